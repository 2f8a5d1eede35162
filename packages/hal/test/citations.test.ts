import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkCitations, findCitations, headingNumbers } from './citations';

const repo = resolve(import.meta.dirname, '../../..');
/** The source trees, the docs themselves, and the README. */
const TREES = ['packages', 'apps', 'infra', 'docs', 'README.md'];

describe('citations of Markdown files', () => {
  it('every .md the code cites exists in the repository, with every § it names', () => {
    const ownExamples = [join(import.meta.dirname, 'citations.ts'), join(import.meta.dirname, 'citations.test.ts')];
    const { citations, dangling } = checkCitations(repo, TREES, ownExamples);
    // The scan finds the citations there are (about 170 in code), so an empty result cannot pass for a clean one.
    expect(citations.length).toBeGreaterThan(150);
    expect(citations.filter((c) => c.sections.length > 0).length).toBeGreaterThan(100);
    expect(dangling.map((d) => `${d.file}:${d.line}: ${d.path}${d.sections.length ? ' §' + d.sections.join(', §') : ''}: ${d.problem}`)).toEqual([]);
  });

  it('finds paths, install prefixes and the sections that follow, across comment lines', () => {
    const text = [
      '/** Safe levels (docs/devices.md §4, §6 SAFE); see ARCHITECTURE.md "The wire". */',
      ' * See docs/architecture.md',
      ' * §3 (the wire) and §6 (delivery).',
      '# details: $PREFIX/infra/edge/OPERATOR.md and https://example.org/README.md',
    ].join('\n');
    const found = findCitations(text, 'x.ts').map(({ path, sections, line }) => ({ path, sections, line }));
    expect(found).toEqual([
      { path: 'docs/devices.md', sections: ['4', '6'], line: 1 },
      { path: 'ARCHITECTURE.md', sections: [], line: 1 },
      { path: 'docs/architecture.md', sections: ['3', '6'], line: 2 },
      { path: '$PREFIX/infra/edge/OPERATOR.md', sections: [], line: 4 },
    ]);
  });

  it('reads numbered headings only', () => {
    expect([...headingNumbers('# Title\n## 1. One\n### 2.1 Sub\n## §3 Three\nText 4. no\n## Unnumbered\n')]).toEqual(['1', '2.1', '3']);
  });

  it('fails on a missing file and on a section the cited doc lacks', () => {
    const root = mkdtempSync(join(tmpdir(), 'cite-'));
    mkdirSync(join(root, 'docs'));
    mkdirSync(join(root, 'src'));
    writeFileSync(join(root, 'docs/devices.md'), '# Devices\n## 1. Pump\n## 2. Spectrometer\n');
    writeFileSync(join(root, 'src/a.ts'), '// ok docs/devices.md §2\n// bad DEVICES.md §2\n// bad docs/devices.md §7\n// ok /opt/x/docs/devices.md\n// bad /work/shared/STACK.md\n');
    const { citations, dangling } = checkCitations(root, ['src']);
    expect(citations).toHaveLength(5);
    expect(dangling.map((d) => [d.line, d.problem])).toEqual([
      [2, 'no such file in the repository'],
      [3, 'docs/devices.md has no section 7'],
      [5, 'no such file in the repository'],
    ]);
  });
});
