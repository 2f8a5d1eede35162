import { asc, eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningCloud } from '../../src/cloud';
import { experiments, modelSnapshots, results, studyStates } from '../../src/db/schema';
import { addPlatform } from '../../src/engine/platforms';
import { campaignStatus, startTestCloud, until } from '../support/cloud';
import { ProtocolEdge } from '../support/protocol-edge';

describe('closed loop over aedes + PGlite with a protocol-faithful platform', () => {
  let cloud: RunningCloud | undefined;
  const edges: ProtocolEdge[] = [];
  afterEach(async () => {
    for (const e of edges.splice(0)) await e.stop();
    await cloud?.stop();
  });

  it('runs a campaign to completion: each result told, next conditions dispatched, queue depth kept', async () => {
    cloud = await startTestCloud();
    const creds = await addPlatform(cloud.db.db, 'rig-1', { actor: 'test' });
    const edge = new ProtocolEdge({ platformId: 'rig-1', url: cloud.mqttUrl, password: creds.password, runMs: 30 });
    edges.push(edge);
    await edge.start();
    await until(async () => (await cloud!.db.db.query.platforms.findFirst({ where: (p, { eq }) => eq(p.id, 'rig-1') }))?.status === 'online', 10_000, 'birth');
    const c = await cloud.engine.createCampaign({ platform: 'rig-1', schedule: 'lhs 4 -> ei 4', seed: 7 }, 'test');
    await campaignStatus(cloud, c.id, 'done', 120_000);
    const rows = await cloud.db.db.select().from(experiments).where(eq(experiments.campaignId, c.id)).orderBy(asc(experiments.seq));
    expect(rows.map((r) => r.status)).toEqual(Array(8).fill('done'));
    expect(rows.map((r) => r.policy)).toEqual(['lhs', 'lhs', 'lhs', 'lhs', 'ei', 'ei', 'ei', 'ei']);
    expect(rows.every((r) => r.toldAt !== null && r.value !== null && r.commandId !== null)).toBe(true);
    // Model-based decisions carry their provenance: model version, prediction and acquisition value.
    // (The first EI picks are made while LHS results are still out: below minFitData the study
    // falls back to space filling, which has no model.)
    const modelled = rows.filter((r) => r.modelVersion !== null);
    expect(modelled.length).toBeGreaterThanOrEqual(2);
    for (const r of modelled) {
      expect(r.modelVersion).not.toBeNull();
      expect(r.predictedStd).toBeGreaterThanOrEqual(0);
      expect(r.acquisitionValue).not.toBeNull();
    }
    expect(await cloud.db.db.select().from(results)).toHaveLength(8);
    const states = await cloud.db.db.select().from(studyStates).where(eq(studyStates.campaignId, c.id));
    // A state after every decision; results that arrive during a fit are told together.
    const last = states.reduce((a, b) => (a.version > b.version ? a : b));
    expect((last.state as { observations: unknown[] }).observations).toHaveLength(8);
    expect(states.map((s) => s.version).sort((a, b) => a - b)).toEqual(states.map((_, i) => i + 1));
    expect((await cloud.db.db.select().from(modelSnapshots)).length).toBeGreaterThan(0);
    // Every result was receipted end to end, so the platform holds nothing back.
    await until(() => edge.unreceipted.size === 0, 5000, 'receipts');
    // One enqueue command per experiment (an ack late under load may bring a re-send of the same id).
    expect(new Set(edge.commands.filter((m) => m.body.type === 'enqueue').map((m) => m.id)).size).toBe(8);
    expect(edge.results).toHaveLength(8);
  });

  it('starts an informed campaign from an earlier one: its data and its twin; a twin does not transfer to another space', async () => {
    cloud = await startTestCloud();
    const creds = await addPlatform(cloud.db.db, 'rig-p', { actor: 'test' });
    const edge = new ProtocolEdge({ platformId: 'rig-p', url: cloud.mqttUrl, password: creds.password, runMs: 10 });
    edges.push(edge);
    await edge.start();
    await until(async () => (await cloud!.db.db.query.platforms.findFirst({ where: (p, { eq }) => eq(p.id, 'rig-p') }))?.status === 'online', 10_000, 'birth');
    const first = await cloud.engine.createCampaign({ platform: 'rig-p', schedule: 'lhs 6 -> ei 2', seed: 2, queueDepth: 0 }, 'test');
    await campaignStatus(cloud, first.id, 'done', 120_000);
    const bad = await cloud.engine
      .createCampaign({ platform: 'rig-p', schedule: 'ei 2', priorModel: { campaign: first.id }, space: { temperatureC: { min: 110, max: 160 } } }, 'test')
      .catch((e: unknown) => e as Error);
    expect((bad as Error).message).toMatch(/transfers only to the same space/);
    const informed = await cloud.engine.createCampaign({ platform: 'rig-p', schedule: 'ei 3', seed: 4, priorCampaigns: [first.id], priorModel: { campaign: first.id } }, 'test');
    await campaignStatus(cloud, informed.id, 'done', 120_000);
    const rows = await cloud.db.db.select().from(experiments).where(eq(experiments.campaignId, informed.id)).orderBy(asc(experiments.seq));
    // The first pick comes from the transferred twin (model version 0), not from space filling.
    expect(rows[0]!.policy).toBe('ei');
    expect(rows[0]!.modelVersion).toBe(0);
    expect(rows[0]!.predictedMean).not.toBeNull();
    const [state] = await cloud.db.db.select().from(studyStates).where(eq(studyStates.campaignId, informed.id)).orderBy(asc(studyStates.version)).limit(1);
    expect((state!.state as { observations: { source: string }[] }).observations.filter((o) => o.source === 'prior')).toHaveLength(8);
  }, 200_000);
});
