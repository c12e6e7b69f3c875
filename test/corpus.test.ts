import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decide, understand, type Decision, type Where } from '../src/bot/understand';
import { detectEmergency } from '../src/bot/understand/emergency';
import { readFollowUpAnswer, readRatingAnswer } from '../src/bot/flows/aftercare';

/**
 * The corpora of real phrasings kept in test/corpus measure the understanding step: what elderly cadres and their
 * families type (no diacritics, typos, abbreviations, negations, topic switches, proxies), and emergencies next to
 * ordinary sentences using the same words. The figures are printed; the targets are asserted.
 */

const rows = (file: string) =>
  readFileSync(new URL(`corpus/${file}`, import.meta.url), 'utf8')
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('#'))
    .map((l) => l.split('\t'));

const pct = (n: number, of: number) => `${((100 * n) / of).toFixed(1)}%`;

/** A decision as the corpus writes it: "intent:booking", "confirm:results", "smallTalk:thanks", "yes", "no", ... */
function label(d: Decision): string {
  switch (d.kind) {
    case 'intent':
      return `intent:${d.id}`;
    case 'confirmIntent':
      return `confirm:${d.id}`;
    case 'smallTalk':
      return `smallTalk:${d.what}`;
    case 'number':
      return `number:${d.n}`;
    default:
      return d.kind;
  }
}

/**
 * A reply while a question the bot asked on its own is pending ("rating": 1 to 5; "followUp": re-examination or
 * home visit): the answer it reads, or, when it is not an answer, what the message means at idle.
 */
function pendingLabel(where: 'rating' | 'followUp', text: string): string {
  const m = understand(text);
  if (m.emergency) return 'emergency';
  if (m.toMenu) return 'menu';
  if (where === 'rating') {
    const r = readRatingAnswer(m, text);
    if (r === 'skip') return 'rating:skip';
    if (r) return `rating:${r.score}`;
  } else {
    const r = readFollowUpAnswer(m, text);
    if (r) return `followUp:${r}`;
  }
  return label(decide(m, 'idle'));
}

describe('corpora', () => {
  it('emergencies: recall ≥ 98%, false alarms ≤ 2%', () => {
    const data = rows('emergency.tsv');
    const urgent = data.filter(([k]) => k === 'urgent');
    const ordinary = data.filter(([k]) => k === 'ordinary');
    expect(urgent.length).toBeGreaterThanOrEqual(150);
    expect(ordinary.length).toBeGreaterThanOrEqual(150);
    const missed = urgent.filter(([, t]) => !detectEmergency(t!)).map(([, t]) => t);
    const alarms = ordinary.filter(([, t]) => detectEmergency(t!)).map(([, t]) => `${t} (${detectEmergency(t!)!.phrase})`);
    const recall = (urgent.length - missed.length) / urgent.length;
    const falseAlarms = alarms.length / ordinary.length;
    console.log(
      `emergency corpus: ${urgent.length} urgent, ${ordinary.length} ordinary; recall ${pct(urgent.length - missed.length, urgent.length)}, false alarms ${pct(alarms.length, ordinary.length)}` +
        (missed.length ? `\n  missed: ${missed.join(' | ')}` : '') +
        (alarms.length ? `\n  false alarms: ${alarms.join(' | ')}` : ''),
    );
    expect(recall).toBeGreaterThanOrEqual(0.98);
    expect(falseAlarms).toBeLessThanOrEqual(0.02);
  });

  it('conversation: ≥ 97% of utterances understood as expected', () => {
    const data = rows('conversation.tsv');
    expect(data.length).toBeGreaterThanOrEqual(500);
    const wrong: string[] = [];
    for (const [where, text, expected] of data) {
      const got = where === 'rating' || where === 'followUp' ? pendingLabel(where, text!) : label(decide(understand(text!), where as Where));
      if (got !== expected) wrong.push(`[${where}] ${text} → ${got} (expected ${expected})`);
    }
    const right = data.length - wrong.length;
    console.log(`conversation corpus: ${data.length} utterances, ${right} as expected: ${pct(right, data.length)}` + (wrong.length ? `\n  ${wrong.join('\n  ')}` : ''));
    expect(right / data.length).toBeGreaterThanOrEqual(0.97);
  });
});
