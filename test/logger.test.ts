import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const loggerModule = fileURLToPath(new URL('../src/logger.ts', import.meta.url));

describe('logging to standard output', () => {
  it('writes every line, in order, also when the process exits right after logging', () => {
    const script = `
      const { createLogger } = await import(${JSON.stringify(loggerModule)});
      const logger = createLogger('info');
      for (let i = 0; i < 2000; i++) logger.info({ n: i, text: 'Kết quả khám' }, 'line');
      logger.debug('not at info');
      process.exit(3);
    `;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
    expect(child.status).toBe(3);
    const lines = child.stdout.trim().split('\n').map((l) => JSON.parse(l) as { n: number; msg: string; text?: string });
    expect(lines.map((l) => l.n)).toEqual(Array.from({ length: 2000 }, (_, i) => i));
    expect(lines.every((l) => l.msg === 'line' && l.text === undefined)).toBe(true);
  });
});
