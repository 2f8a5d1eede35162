// Clock, RealClock, the timer helpers and the GPIO contract are @sdfl/hal's; re-exported for the
// simulator's own users, who should import them from @sdfl/hal.
export * from '@sdfl/hal';
export * from './optics';
export * from './random';
export * from './virtual-clock';
export * from './devices/gpio';
export * from './truth';
export * from './reactor/stocks';
export * from './reactor/params';
export * from './reactor/response';
export * from './reactor/spectra';
export * from './reactor/noise';
export * from './reactor/rtd';
export * from './reactor/model';
export * from './reactor/simulation';
export * from './devices/device-error';
export * from './devices/duplex-pair';
export * from './devices/pty-pair';
export * from './devices/serial-pty-server';
export * from './devices/syringe-drive';
export * from './devices/chemyx-pump';
export * from './devices/obp-frame';
export * from './devices/hdx-spectrum';
export * from './devices/hdx-spectrometer';
export * from './devices/thermal-plant';
export * from './devices/max31855';
export * from './platform';
