/**
 * Device drivers of the edge agent (docs/conventions.md §1: transport -> codec -> driver).
 * Everything here is hardware-facing; the control loop and the runner consume these interfaces.
 */
export * from './errors';

// Chemyx Fusion 6000 syringe pumps (docs/devices.md §1)
export * as chemyxCodec from './chemyx-codec';
export { CHEMYX_STATUS, type ChemyxStatus } from './chemyx-codec';
export { ChemyxLink, openSerialTransport, type SerialTransport } from './chemyx-link';
export { ChemyxPump, type ChemyxPumpOptions, type PumpDescription, type PumpReading, type PumpRun } from './chemyx-pump';

// Ocean Insight HDX spectrometers over OBP/TCP (docs/devices.md §2)
export * as obp from './obp-codec';
export { ObpLink } from './obp-link';
export { connectTcp, HDX_INTEGRATION_US, HDX_PIXELS, HdxSpectrometer, type HdxOptions, type HdxSettings, type HdxSpectrum } from './hdx-spectrometer';

// Heater (docs/devices.md §3)
export { Pid, type PidGains, type PidOptions, type PidTerms } from './pid';
export { TimeProportioner, type TimeProportionerOptions } from './time-proportioning';
export {
  decodeMax31855,
  Max31855Reader,
  type Max31855Fault,
  type Max31855ReaderOptions,
  type Max31855Word,
  type ThermocoupleFault,
  type ThermocoupleReader,
  type ThermocoupleReading,
} from './max31855';
export { SoftwareHeater, type Heater, type HeaterReading, type HeaterTick, type SoftwareHeaterOptions } from './heater';
export {
  connectF4t,
  F4T_LOOP_STRIDE,
  F4T_MODE,
  F4T_REGISTERS,
  floatToRegisters,
  registersToFloat,
  translateModbusError,
  WatlowF4tHeater,
  type F4tClient,
  type F4tReading,
  type WatlowF4tOptions,
} from './watlow-f4t';

// GPIO (docs/devices.md §4)
export { GPIO_OUTPUT_LINES, offLevel, type Gpio, type GpioLevel, type GpioLine, type GpioPinMap, type GpioPolarity } from './gpio';
export { listGpioChips, PI_GPIO_CHIP_LABELS, resolveGpioChip, sysfsNumber, type GpioChipInfo, type GpioSysfsOptions } from './gpio-sysfs';
export { OnoffGpio, type OnoffGpioOptions, type OnoffModule, type OnoffPin } from './onoff-gpio';
export { sysfsPins, type SysfsPinsOptions } from './sysfs-pins';
