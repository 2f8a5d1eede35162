import { absorbance, computeFeatures, plSignal, type Features, type MaskedSpectrum, type Spectrum } from '@sdfl/chemistry';
import type { Gpio, GpioLevel } from '../devices/gpio';
import type { AcquiredSpectra } from './types';

/** The spectrometer as the runner uses it. */
export interface SpectrumSource {
  getSpectrum(): Promise<Spectrum>;
}

export interface Optics {
  gpio: Gpio;
  shutterOpenLevel: GpioLevel;
  absorption: SpectrumSource;
  pl: SpectrumSource;
}

const closed = (open: GpioLevel): GpioLevel => (open === 1 ? 0 : 1);

/** Lamp shutter closed and UV LED off: the light state between acquisitions and in SAFE. */
export async function lightsOff(o: Optics): Promise<void> {
  await Promise.all([o.gpio.write('uvLed', 0), o.gpio.write('shutter', closed(o.shutterOpenLevel))]);
}

/**
 * Absorption through the line with the shutter open: taken before the first experiment's flow
 * reaches the cell, it is the blank (reference) for A = -log10((S - D) / (R - D)).
 */
export async function acquireReference(o: Optics): Promise<Spectrum> {
  try {
    await o.gpio.write('shutter', o.shutterOpenLevel);
    return await o.absorption.getSpectrum();
  } finally {
    await lightsOff(o);
  }
}

/**
 * One acquisition (docs/devices.md §2): darks with the LED off and the shutter closed, absorption with
 * the shutter open, PL with the LED on; lights are off again whatever happens.
 */
export async function acquire(o: Optics, reference: Spectrum): Promise<{ features: Features; spectra: AcquiredSpectra }> {
  try {
    await lightsOff(o);
    const [absDark, plDark] = await Promise.all([o.absorption.getSpectrum(), o.pl.getSpectrum()]);
    await o.gpio.write('shutter', o.shutterOpenLevel);
    const absSample = await o.absorption.getSpectrum();
    await o.gpio.write('shutter', closed(o.shutterOpenLevel));
    await o.gpio.write('uvLed', 1);
    const plSample = await o.pl.getSpectrum();
    await o.gpio.write('uvLed', 0);
    const absorption = { sample: absSample, dark: absDark, reference };
    const pl = { sample: plSample, dark: plDark };
    const a = absorbance(absorption);
    const p = plSignal(pl);
    return {
      features: computeFeatures({ absorption, pl }),
      spectra: {
        absorbance: unmasked(a),
        pl: unmasked(p),
      },
    };
  } finally {
    await lightsOff(o);
  }
}

/** The pixels that carry a value (masked ones are dropped, so the wire carries only numbers). */
function unmasked(s: MaskedSpectrum): { wavelengthNm: number[]; values: number[] } {
  const out = { wavelengthNm: [] as number[], values: [] as number[] };
  s.values.forEach((v, i) => {
    if (v !== null) {
      out.wavelengthNm.push(s.wavelengthNm[i]!);
      out.values.push(v);
    }
  });
  return out;
}
