import { createConditionSpace, PUMP_IDS } from '@sdfl/chemistry';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithSocat, type Rig, startRig } from './harness';

const space = createConditionSpace();
const good = space.quantize(space.fromCube([0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]));

describeWithSocat('bad commands are rejected with a reason and never reach a device', { timeout: 120_000 }, () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startRig();
  });
  afterAll(async () => rig?.stop());

  const rejectedWith = async (body: Parameters<Rig['operator']['send']>[0]) => {
    const ack = await rig.operator.ackFor(await rig.operator.send(body));
    return ack.body.accepted ? 'accepted' : `${ack.body.reason}: ${ack.body.detail ?? ''}`;
  };

  it('malformed JSON and out-of-schema commands get INVALID_COMMAND', async () => {
    await rig.operator.sendRaw('{"v":1,"id":"not json');
    await rig.operator.sendRaw(JSON.stringify({ v: 1, id: '5f0c8a8e-7d4b-4f7e-9d8e-1b2c3d4e5f60', ts: new Date().toISOString(), seq: 0, session: 1, body: { type: 'enqueue', experiments: 'all of them' } }));
    const invalid = await rig.operator.waitFor('ack', (a) => a.body.commandId === '5f0c8a8e-7d4b-4f7e-9d8e-1b2c3d4e5f60');
    expect(invalid.body).toMatchObject({ accepted: false, reason: 'INVALID_COMMAND' });
    await rig.operator.waitFor('ack', (a) => !a.body.accepted && a.body.reason === 'INVALID_COMMAND' && a.body.commandId !== invalid.body.commandId);
  });

  it('a temperature outside the validated window is OUT_OF_LIMITS', async () => {
    expect(await rejectedWith({ type: 'enqueue', experiments: [{ experimentId: 'hot', condition: { ...good, temperatureC: 250 } }] })).toMatch(/^OUT_OF_LIMITS: hot: reaction temperature 250\.0 C/);
  });

  it('a Cs stream that would need negative ODE is INFEASIBLE_CONDITION, and one bad experiment rejects the batch', async () => {
    const detail = await rejectedWith({
      type: 'enqueue',
      experiments: [
        { experimentId: 'fine', condition: good },
        { experimentId: 'overflow', condition: { ...good, csOleateUlMin: 900, oaCsUlMin: 400 } },
      ],
    });
    expect(detail).toMatch(/^INFEASIBLE_CONDITION: overflow: .*1:1/);
    expect(rig.sim.agent.store.get('fine', 1)).toBeUndefined();
  });

  it('a refill larger than the syringe is OUT_OF_LIMITS and cancelling an unknown experiment is UNKNOWN_EXPERIMENT', async () => {
    expect(await rejectedWith({ type: 'refilled', pump: 'cuI', volumeUl: 80_000 })).toMatch(/^OUT_OF_LIMITS/);
    expect(await rejectedWith({ type: 'cancel', scope: 'experiment', experimentId: 'nope' })).toMatch(/^UNKNOWN_EXPERIMENT/);
  });

  it('nothing reached a pump or the heater, and the queue is empty', async () => {
    await new Promise((r) => setTimeout(r, 500));
    expect(rig.sim.agent.store.list()).toEqual([]);
    for (const id of PUMP_IDS) expect(rig.sim.platform.pumps[id].emulator.state()).toMatchObject({ status: 0, dispensedUl: 0 });
    expect(rig.sim.agent.control.status().setpointC).toBeNull();
    expect(rig.operator.results).toEqual([]);
  });

  it('a duplicate command id gets the same ack again and is handled once', async () => {
    const id = await rig.operator.send({ type: 'enqueue', experiments: [{ experimentId: 'once', condition: good }] });
    const first = await rig.operator.ackFor(id);
    expect(first.body.accepted).toBe(true);
    // Re-publish the very same bytes (a redelivery): handled once (the link re-acks it; see test/link).
    const raw = rig.operator.lastSent!;
    await rig.operator.sendRaw(raw);
    await new Promise((r) => setTimeout(r, 500));
    expect(rig.sim.agent.store.attempts('once')).toHaveLength(1);
  });
});
