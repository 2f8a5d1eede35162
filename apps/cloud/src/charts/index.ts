/**
 * Chart builders: one declarative Vega-Lite spec per view of a campaign and its twin, each from a
 * small typed input (the shapes the HTTP API returns). Isomorphic: no vega here, so the browser
 * bundle imports the builders and renders with its own vega; `./svg` renders on the server.
 * How to count a chart's data marks in its SVG: see `./common` ({@link countMarks}).
 *
 * @module
 */
export { BASE_CONFIG, countMarks, cubeAxes, markClass, NO_DATA_LAYER, NO_DATA_TEXT, type ChartLayer, type ChartSize, type ChartSpec, type InputAxis } from './common';
export { bestSoFar, BEST_SO_FAR_LAYERS, type BestSoFarInput, type HistoryExperiment } from './best-so-far';
export type { ExperimentInputsInput, InputExperiment } from './experiment-inputs';
export { DEFAULT_FEATURE_WINDOWS, plBaseline, type FeatureWindows, type WindowNm } from './feature-windows';
export { parallelCoordinates, PARALLEL_LAYERS, type ParallelCoordinatesInput } from './parallel-coordinates';
export { holdoutParity, kfoldParity, parity, PARITY_LAYERS, type ParityDatum, type ParityInput, type ParitySet } from './parity';
export { shapInput, shapSummary, SHAP_LAYERS, type ShapSummaryInput } from './shap-summary';
export { slices, SLICES_LAYERS, type SlicesInput } from './slices';
export { absorptionSpectrum, plSpectrum, SPECTRA_LAYERS, type SpectrumInput } from './spectra';
export { surface, SURFACE_LAYERS, type SurfaceExperiment, type SurfaceInput } from './surface';
export { temperatureTrace, TEMPERATURE_LAYERS, type TemperatureSample, type TemperatureTraceInput } from './temperature-trace';
export { calibrationText, uncertaintyVsSize, UNCERTAINTY_LAYERS, type UncertaintyInput } from './uncertainty';
