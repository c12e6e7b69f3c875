import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compilePhrase, normalize, phraseAt, toWord, wordIs, WordSet } from './normalize';

const corpusWords = ['conversation.tsv', 'emergency.tsv'].flatMap((file) =>
  readFileSync(new URL(`../../../test/corpus/${file}`, import.meta.url), 'utf8')
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('#'))
    .flatMap((l) => normalize(l.split('\t')[1] ?? '').words),
);

describe('compiled word lists and phrases', () => {
  it('a word set answers as comparing with each listed word does, for every word of the corpora', () => {
    const listed = ['không', 'khỏi', 'đúng', 'dừng', 'hòa', 'vâng', 'ạ', 'ko', 'tôi', 'nhà', 'nha', 'hiểu sao'];
    const set = new WordSet(listed);
    const typed = [...corpusWords, ...['hoà', 'dung', 'Đúng', 'khong', 'nha', 'nhà', 'hiểu'].map(toWord)];
    const disagree = typed.filter((w) => set.has(w) !== listed.some((x) => wordIs(w, x)));
    expect(disagree).toEqual([]);
    expect(typed.filter((w) => set.has(w)).length).toBeGreaterThan(50);
    expect(set.has(undefined)).toBe(false);
  });

  it('marks are compared whatever the tone mark is placed on, and only when typed', () => {
    const set = new WordSet(['hòa', 'đúng']);
    expect(set.has(toWord('hoà'))).toBe(true);
    expect(set.has(toWord('hoa'))).toBe(true);
    expect(set.has(toWord('dung'))).toBe(true);
    expect(set.has(toWord('dừng'))).toBe(false);
    expect(set.has(toWord('hỏa'))).toBe(false);
  });

  it('a compiled phrase is found where the written one is, from any start', () => {
    const words = normalize('không, tôi không đi khám được đâu').words;
    const phrase = compilePhrase('không đi');
    expect(phraseAt(words, phrase)).toBe(2);
    expect(phraseAt(words, 'không đi')).toBe(2);
    expect(phraseAt(words, phrase, 3)).toBe(-1);
    expect(phraseAt(words, compilePhrase('không'), 1)).toBe(2);
    expect(compilePhrase('không đi')).toBe(phrase);
  });
});
