import { readdir, readFile, unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { AddressObject } from 'mailparser';

const addressText = (a: AddressObject | AddressObject[] | undefined) => (Array.isArray(a) ? a.map((x) => x.text).join(', ') : a?.text) ?? '';

/**
 * Deletes the mail files of the local mailbox (the file mailer's directory) whose recipient, subject or body
 * names any of `identifiers`. Headers and bodies are decoded first (subjects and texts are MIME-encoded).
 * Returns how many files were removed; a missing directory removes none.
 */
export async function eraseMailNaming(dir: string, identifiers: string[]): Promise<number> {
  if (!identifiers.length) return 0;
  const root = resolve(dir);
  let names: string[];
  try {
    names = (await readdir(root)).filter((n) => n.endsWith('.eml'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw err;
  }
  // Loaded here, not at start: mailparser costs ~10 MB and a few hundred ms in every process.
  const { simpleParser } = await import('mailparser');
  let removed = 0;
  for (const name of names) {
    const file = join(root, name);
    const raw = await readFile(file);
    const mail = await simpleParser(raw);
    const text = [addressText(mail.to), mail.subject ?? '', mail.text ?? '', typeof mail.html === 'string' ? mail.html : '', raw.toString('utf8')].join('\n');
    if (identifiers.some((id) => text.includes(id))) {
      await unlink(file);
      removed++;
    }
  }
  return removed;
}
