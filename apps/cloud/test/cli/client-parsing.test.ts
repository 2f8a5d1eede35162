/** Unit tests of the client's flag parsers and output (pure logic; the commands run in client.test.ts). */
import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { editedCondition } from '../../src/client/commands/approvals';
import { boundsToSpace, campaignBody } from '../../src/client/commands/campaigns';
import { parseParameter } from '../../src/client/commands/studies';
import { ApiClientError, describeError, DEFAULT_API_URL } from '../../src/client/http';
import { clientFrom } from '../../src/client/commands/shared';
import { progressLine, type CampaignView, type ProgressView } from '../../src/client/views';

describe('client flags', () => {
  it('--bound builds the nested space and refuses what is not key=min:max with numbers', () => {
    expect(boundsToSpace(['temperatureC=120:160', 'cuIStream.cuI=5:20', 'cuIStream.oAm=1:2'])).toEqual({
      temperatureC: { min: 120, max: 160 },
      cuIStream: { cuI: { min: 5, max: 20 }, oAm: { min: 1, max: 2 } },
    });
    expect(() => boundsToSpace(['temperatureC=120'])).toThrow(InvalidArgumentError);
    expect(() => boundsToSpace(['temperatureC=a:160'])).toThrow(/min must be a number/);
    expect(() => boundsToSpace(['=1:2'])).toThrow(/key=value/);
  });

  it('campaign create sends only what was given (the server applies its defaults)', () => {
    expect(campaignBody({ platform: 'rig-1' })).toEqual({ platform: 'rig-1' });
    expect(campaignBody({ pool: 'p', minimize: true, approvalGate: true, approvalAhead: 0, prior: ['c-1'] })).toEqual({
      pool: 'p',
      objective: { direction: 'minimize' },
      approvalGate: true,
      approvalAhead: 0,
      priorCampaigns: ['c-1'],
    });
  });

  it('--edit changes only the named condition values and refuses unknown keys', () => {
    const proposed = { temperatureC: 150, cuIUlMin: 10, csOleateUlMin: 5, oaCsUlMin: 5, oaCuIUlMin: 5, oAmUlMin: 5, odeCuIUlMin: 5 };
    expect(editedCondition(proposed, ['temperatureC=140'])).toEqual({ ...proposed, temperatureC: 140 });
    expect(proposed.temperatureC).toBe(150);
    expect(() => editedCondition(proposed, ['temperature=140'])).toThrow(/not a condition key/);
    expect(() => editedCondition(proposed, ['temperatureC=hot'])).toThrow(/must be a number/);
  });

  it('--param reads min:max and min:max:integer', () => {
    expect(parseParameter('x=0:1')).toEqual({ name: 'x', type: 'continuous', min: 0, max: 1 });
    expect(parseParameter('n=1:8:integer')).toEqual({ name: 'n', type: 'integer', min: 1, max: 8 });
    expect(() => parseParameter('c=a,b')).toThrow(/min:max/);
    expect(() => parseParameter('n=1:8:categorical')).toThrow(/min:max/);
  });

  it('URL and token come from flags, then SDFL_URL / SDFL_TOKEN, then the default URL', () => {
    expect(clientFrom({}, {}).url).toBe(DEFAULT_API_URL);
    expect(clientFrom({}, { SDFL_URL: 'http://cloud:9000/' }).url).toBe('http://cloud:9000');
    expect(clientFrom({ url: 'http://a:1' }, { SDFL_URL: 'http://b:2' }).url).toBe('http://a:1');
  });
});

describe('client output', () => {
  it('an API error prints its code, status and one line per field message, each once', () => {
    const repeated = new ApiClientError(400, 'VALIDATION', 'schedule: bad stage; space.temperatureC: outside', { schedule: ['bad stage'], 'space.temperatureC': ['outside'] });
    expect(describeError(repeated)).toBe('error VALIDATION (HTTP 400): invalid request\n  schedule: bad stage\n  space.temperatureC: outside');
    const plain = new ApiClientError(403, 'FORBIDDEN', 'only the owner or an admin');
    expect(describeError(plain)).toBe('error FORBIDDEN (HTTP 403): only the owner or an admin');
    const network = new ApiClientError(0, 'NETWORK', 'cannot reach the API at http://x: ECONNREFUSED');
    expect(describeError(network)).toBe('error NETWORK: cannot reach the API at http://x: ECONNREFUSED');
  });

  it('the progress line fills its bar with finished of planned and names stage, best, running and approvals', () => {
    const c = { id: 'c-1', status: 'running', objective: { feature: 'plIntensity', direction: 'maximize' } } as CampaignView;
    const p: ProgressView = {
      stage: { index: 0, policy: 'lhs', count: 4 },
      done: 1,
      failed: 1,
      planned: 4,
      best: { value: 1234.5678, experimentId: 'c-1-exp-1', condition: {}, policy: 'lhs' },
      current: { experimentId: 'c-1-exp-3', policy: 'lhs', status: 'running' },
      platformStage: 'run',
      platformOnline: false,
      pendingApprovals: 2,
    };
    expect(progressLine(c, p, 10)).toBe('c-1 [#####.....] 2/4 · running · 1 failed · stage 1 lhs · best plIntensity 1234.6 (c-1-exp-1) · running c-1-exp-3 (lhs) · 2 awaiting approval · platform offline');
  });
});
