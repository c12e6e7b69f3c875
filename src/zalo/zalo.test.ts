import { describe, expect, it } from 'vitest';
import { customerServiceBody } from './client';
import { classifyZaloCode } from './errors';
import { splitLongText } from '../conversation/messages';
import { signatureHeader, verifyZaloSignature, zaloSignature } from './signature';

describe('webhook signature (ZALO.md §1)', () => {
  const raw = Buffer.from('{"event_name":"user_send_text","app_id":"123","timestamp":"1700000000000"}');
  it('is plain SHA-256 over app_id + raw body + timestamp + OA secret', async () => {
    const { createHash } = await import('node:crypto');
    const expected = createHash('sha256').update(`123${raw.toString()}1700000000000secret`).digest('hex');
    expect(zaloSignature('123', raw, '1700000000000', 'secret')).toBe(expected);
  });
  it('accepts the header with and without mac=, in any case; rejects anything else', () => {
    const header = signatureHeader('123', raw, '1700000000000', 'secret');
    expect(verifyZaloSignature(header, '123', raw, '1700000000000', 'secret')).toBe(true);
    expect(verifyZaloSignature(header.slice(4).toUpperCase(), '123', raw, '1700000000000', 'secret')).toBe(true);
    expect(verifyZaloSignature(header, '123', raw, '1700000000001', 'secret')).toBe(false);
    expect(verifyZaloSignature(header, '123', raw, '1700000000000', 'other')).toBe(false);
    expect(verifyZaloSignature(undefined, '123', raw, '1700000000000', 'secret')).toBe(false);
    expect(verifyZaloSignature('mac=xyz', '123', raw, '1700000000000', 'secret')).toBe(false);
  });
});

describe('Zalo error codes (ZALO.md §5)', () => {
  it.each([
    [-32, 'transient'],
    [-216, 'auth'],
    [-220, 'auth'],
    [-230, 'outside_window'],
    [-232, 'outside_window'],
    [-213, 'permanent'],
    [-201, 'permanent'],
    [-240, 'config'],
    [-200, 'transient'],
  ])('%i is %s', (code, kind) => expect(classifyZaloCode(code)).toBe(kind));
});

describe('messages', () => {
  it('splits text over 2,000 characters at line breaks, each part within the limit', () => {
    const text = Array.from({ length: 120 }, (_, i) => `Dòng số ${i}: ${'ô'.repeat(30)}`).join('\n');
    const parts = splitLongText(text);
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.every((p) => p.length <= 2000)).toBe(true);
    expect(parts.join('\n')).toBe(text.normalize('NFC'));
  });
  it('renders buttons as oa.query.show, at most 5, only when enabled', () => {
    const msg = { type: 'text' as const, text: 'Chọn', buttons: Array.from({ length: 7 }, (_, i) => ({ title: `N${i}`, payload: `P${i}` })) };
    const withButtons = customerServiceBody('42', msg, true) as { message: { attachment: { payload: { buttons: { type: string }[] } } } };
    expect(withButtons.message.attachment.payload.buttons).toHaveLength(5);
    expect(withButtons.message.attachment.payload.buttons[0]!.type).toBe('oa.query.show');
    expect(customerServiceBody('42', msg, false)).toEqual({ recipient: { user_id: '42' }, message: { text: 'Chọn' } });
  });
});
