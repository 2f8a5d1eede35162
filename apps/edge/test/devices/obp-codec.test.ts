import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DeviceNackError, DeviceProtocolError } from '../../src/devices/errors';
import { encodeFrame, isNack, nackError, OBP, OBP_FLAGS, ObpDecoder, type ObpFrame, u16, u32, u8 } from '../../src/devices/obp-codec';

const frames = (items: (ObpFrame | DeviceProtocolError)[]) => items.filter((x): x is ObpFrame => !(x instanceof DeviceProtocolError));

describe('OBP encode', () => {
  it('lays out a 64-byte request with immediate data (docs/devices.md §2 table)', () => {
    const f = encodeFrame({ messageType: OBP.setIntegrationTime, payload: u32(100_000), ackRequested: true });
    expect(f.length).toBe(64);
    expect([...f.subarray(0, 2)]).toEqual([0xc1, 0xc0]);
    expect(f.readUInt16LE(2)).toBe(0x1100);
    expect(f.readUInt16LE(4)).toBe(OBP_FLAGS.ackRequested);
    expect(f.readUInt16LE(6)).toBe(0);
    expect(f.readUInt32LE(8)).toBe(0x00110010);
    expect(f.readUInt32LE(12)).toBe(0);
    expect(f[22]).toBe(0);
    expect(f[23]).toBe(4);
    expect(f.readUInt32LE(24)).toBe(100_000);
    expect(f.readUInt32LE(40)).toBe(20);
    expect([...f.subarray(44, 60)]).toEqual(new Array(16).fill(0));
    expect([...f.subarray(60)]).toEqual([0xc5, 0xc4, 0xc3, 0xc2]);
  });

  it('puts payloads > 16 bytes after the header and checksums with MD5 when asked', () => {
    const payload = Buffer.alloc(4136, 7);
    const f = encodeFrame({ messageType: OBP.getSpectrum, payload, checksum: true, flags: OBP_FLAGS.response, regarding: 5 });
    expect(f.length).toBe(64 + 4136);
    expect(f[23]).toBe(0);
    expect(f.readUInt32LE(40)).toBe(4136 + 20);
    expect(f[22]).toBe(1);
    expect(f.subarray(44 + 4136, 60 + 4136)).toEqual(createHash('md5').update(f.subarray(0, 44 + 4136)).digest());
    expect(f.readUInt32LE(12)).toBe(5);
  });

  it('helpers encode little-endian integers', () => {
    expect([...u8(0x1ff)]).toEqual([0xff]);
    expect([...u16(0x1234)]).toEqual([0x34, 0x12]);
    expect([...u32(0x12345678)]).toEqual([0x78, 0x56, 0x34, 0x12]);
  });
});

describe('OBP decode', () => {
  const small = encodeFrame({ messageType: OBP.serialNumber, payload: Buffer.from('HDX12345'), flags: OBP_FLAGS.response });
  const big = encodeFrame({ messageType: OBP.getSpectrum, payload: Buffer.alloc(4136, 1), checksum: true, flags: OBP_FLAGS.response });

  it('round-trips immediate and long payloads', () => {
    const d = new ObpDecoder();
    const out = frames(d.push(Buffer.concat([small, big])));
    expect(out).toHaveLength(2);
    expect(out[0]!.payload.toString()).toBe('HDX12345');
    expect(out[0]).toMatchObject({ messageType: OBP.serialNumber, flags: 1, errorNumber: 0, protocolVersion: 0x1100, checksumType: 0, regarding: 0 });
    expect(out[1]!.payload.length).toBe(4136);
    expect(out[1]!.checksumType).toBe(1);
    expect(d.pending).toBe(0);
  });

  it('reassembles frames fed one byte at a time', () => {
    const d = new ObpDecoder();
    const all = Buffer.concat([big, small]);
    const got: ObpFrame[] = [];
    for (const b of all) got.push(...frames(d.push(Buffer.from([b]))));
    expect(got.map((f) => f.messageType)).toEqual([OBP.getSpectrum, OBP.serialNumber]);
  });

  it('reports a bad footer, checksum, immediate length, checksum type and both-payload frames', () => {
    const cases: [string, (b: Buffer) => void, Buffer][] = [
      ['bad footer', (b) => (b[63] = 0), small],
      ['MD5 checksum mismatch', (b) => (b[100] = b[100]! ^ 1), big],
      ['immediate length 17', (b) => (b[23] = 17), small],
      ['unknown checksum type 2', (b) => (b[22] = 2), small],
      ['both immediate data and a payload', (b) => (b[23] = 1), big],
    ];
    for (const [msg, corrupt, src] of cases) {
      const b = Buffer.from(src);
      corrupt(b);
      const d = new ObpDecoder('hdx');
      const out = d.push(Buffer.concat([b, small]));
      expect(out[0]).toBeInstanceOf(DeviceProtocolError);
      expect((out[0] as DeviceProtocolError).message).toContain(msg);
      expect((out[0] as DeviceProtocolError).code).toBe('PROTOCOL');
      expect(frames(out)).toHaveLength(1); // the next frame still decodes
    }
  });

  it('resynchronises after bad start bytes and impossible lengths', () => {
    const d = new ObpDecoder();
    const out = d.push(Buffer.concat([Buffer.from('junk'), small]));
    expect(out[0]).toBeInstanceOf(DeviceProtocolError);
    expect(frames(out)).toHaveLength(1);
    const tooShort = Buffer.from(small);
    tooShort.writeUInt32LE(3, 40);
    expect(d.push(Buffer.concat([tooShort, small])).map((x) => x instanceof DeviceProtocolError)).toEqual([true, false]);
    const huge = Buffer.from(small);
    huge.writeUInt32LE(0x7fffffff, 40);
    expect(d.push(huge)[0]).toBeInstanceOf(DeviceProtocolError);
    expect(d.pending).toBe(0);
    // A trailing 0xC1 may start the next frame and is kept.
    expect(d.push(Buffer.from([0x00, 0x01, 0xc1]))[0]).toBeInstanceOf(DeviceProtocolError);
    expect(d.pending).toBe(1);
    d.reset();
    expect(d.pending).toBe(0);
  });

  it('waits for the rest of a partial header or body', () => {
    const d = new ObpDecoder();
    expect(d.push(big.subarray(0, 30))).toEqual([]);
    expect(d.push(big.subarray(30, 1000))).toEqual([]);
    expect(frames(d.push(big.subarray(1000)))).toHaveLength(1);
  });
});

describe('OBP NACK', () => {
  it('maps NACK flags and error numbers to a typed error with number and name', () => {
    const d = new ObpDecoder();
    const [f] = frames(d.push(encodeFrame({ messageType: OBP.setBoxcar, flags: OBP_FLAGS.response | OBP_FLAGS.nack, errorNumber: 6 })));
    expect(isNack(f!)).toBe(true);
    const e = nackError('hdx', f!);
    expect(e).toBeInstanceOf(DeviceNackError);
    expect(e).toMatchObject({ code: 'NACK', errorNumber: 6, errorName: 'PAYLOAD_INVALID', device: 'hdx' });
    expect(e.message).toContain('0x00121010');
    const [g] = frames(d.push(encodeFrame({ messageType: 1, errorNumber: 99 })));
    expect(isNack(g!)).toBe(true);
    expect(nackError('hdx', g!).errorName).toBe('ERROR_99');
    const [ok] = frames(d.push(encodeFrame({ messageType: 1, flags: OBP_FLAGS.ack })));
    expect(isNack(ok!)).toBe(false);
  });
});
