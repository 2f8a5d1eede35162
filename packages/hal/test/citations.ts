import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/** One citation of a Markdown file found in a source file. */
export interface Citation {
  /** File that cites, relative to the repository root. */
  file: string;
  line: number;
  /** The cited path as written, e.g. `docs/devices.md` or `$PREFIX/infra/edge/OPERATOR.md`. */
  path: string;
  /** Section numbers given right after the path (`§6`, `§1 ..., §6`), e.g. `['6']`. */
  sections: string[];
}

/** A citation that does not resolve, with why. */
export interface DanglingCitation extends Citation {
  problem: string;
}

/** What counts as a source file: code, scripts, units, configs and docs. */
const SCANNED = /\.(ts|mts|cts|js|mjs|cjs|md|sh|ya?ml|service)$/;
const SKIPPED_DIRS = new Set(['node_modules', '.data', 'coverage', 'dist', '.git']);

/** A path ending in `.md`: plain, relative (`../x.md`), absolute, or under an install prefix (`$PREFIX/...`). */
const MD_PATH = /(?<![\w.-])((?:\$\{?\w+\}?\/|\.{1,2}\/|\/)?(?:[\w.-]+\/)*[\w.-]+\.md)\b/g;
/** Comment continuation between lines (` * `, `// `, `# `), flattened so a `§N` on the next line still belongs to its path. */
const CONTINUATION = /\n[ \t]*(?:\*(?!\/)|\/\/|#)?[ \t]*/g;

/**
 * Every `.md` citation in `text`, with the section numbers that follow it. The sections are the
 * `§N` (or `§ N`, `§N.M`) tokens after the path, up to the next `.md` path or the end of the
 * sentence.
 */
export function findCitations(text: string, file: string): Citation[] {
  const out: Citation[] = [];
  for (const m of text.matchAll(MD_PATH)) {
    const path = m[1]!;
    const word = /\S*$/.exec(text.slice(Math.max(0, m.index - 200), m.index))?.[0] ?? '';
    if (word.includes(':/')) continue; // part of a URL, not a file of ours
    const after = text.slice(m.index + m[0].length, m.index + m[0].length + 160).replace(CONTINUATION, ' ');
    const tail = after.split(/\.md\b|\.\s|;|\n/)[0] ?? '';
    const sections = [...tail.matchAll(/§\s?(\d+(?:\.\d+)*)/g)].map((s) => s[1]!);
    out.push({ file, line: text.slice(0, m.index).split('\n').length, path, sections });
  }
  return out;
}

/** Every scanned file under `dirs` (relative to `root`), skipping dependency and build folders. */
export function sourceFiles(root: string, dirs: readonly string[]): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      if (SKIPPED_DIRS.has(name)) continue;
      const full = join(dir, name);
      const st = statSync(full);
      if (st.isDirectory()) walk(full);
      else if (SCANNED.test(name)) files.push(full);
    }
  };
  for (const d of dirs) {
    const full = join(root, d);
    if (!existsSync(full)) continue;
    if (statSync(full).isDirectory()) walk(full);
    else files.push(full);
  }
  return files;
}

/**
 * Where a cited path lives in the repository, or null. Relative paths resolve against the citing
 * file's folder, then the repository root; an absolute or `$PREFIX/` path (an install location,
 * e.g. `/opt/sdfl/infra/edge/OPERATOR.md`) resolves when a trailing part of it exists from the root
 * and is more than a bare file name.
 */
export function resolveCitation(root: string, citingFile: string, path: string): string | null {
  if (path.startsWith('/') || path.startsWith('$')) {
    const parts = path.split('/').filter(Boolean);
    for (let i = 1; i < parts.length - 1; i++) {
      const candidate = join(root, ...parts.slice(i));
      if (existsSync(candidate)) return candidate;
    }
    return null;
  }
  for (const base of [dirname(join(root, citingFile)), root]) {
    const candidate = resolve(base, path);
    if (candidate.startsWith(root) && existsSync(candidate)) return candidate;
  }
  return null;
}

/** Section numbers a Markdown file has headings for: `## 6. Interlocks` gives `6`, `### 2.1 Frames` gives `2.1`. */
export function headingNumbers(markdown: string): Set<string> {
  const numbers = new Set<string>();
  for (const m of markdown.matchAll(/^#{1,6}[ \t]+§?[ \t]*(\d+(?:\.\d+)*)[.)]?[ \t]/gm)) numbers.add(m[1]!);
  return numbers;
}

/**
 * Scans `dirs` under `root` and returns every citation and the ones that dangle. `exclude` lists
 * files (absolute paths) not to scan: the checker's own tests, whose examples dangle on purpose.
 */
export function checkCitations(
  root: string,
  dirs: readonly string[],
  exclude: readonly string[] = [],
): { citations: Citation[]; dangling: DanglingCitation[] } {
  const files = sourceFiles(root, dirs).filter((f) => !exclude.includes(resolve(f)));
  const citations = files.flatMap((f) => findCitations(readFileSync(f, 'utf8'), relative(root, f)));
  const dangling: DanglingCitation[] = [];
  for (const c of citations) {
    const target = resolveCitation(root, c.file, c.path);
    if (target === null) {
      dangling.push({ ...c, problem: 'no such file in the repository' });
      continue;
    }
    if (c.sections.length === 0) continue;
    const have = headingNumbers(readFileSync(target, 'utf8'));
    for (const s of c.sections) if (!have.has(s)) dangling.push({ ...c, problem: `${relative(root, target)} has no section ${s}` });
  }
  return { citations, dangling };
}
