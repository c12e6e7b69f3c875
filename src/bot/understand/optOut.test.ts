import { describe, expect, it } from 'vitest';
import { broadcastPreferenceCommand } from './optOut';

describe('broadcastPreferenceCommand', () => {
  it.each([
    ['Dừng nhận tin', 'stop'],
    ['tôi muốn hủy nhận tin ạ', 'stop'],
    ['NGỪNG NHẬN TIN!', 'stop'],
    ['dung nhan tin', 'stop'],
    ['Nhận tin lại', 'resume'],
    ['nhan tin lai', 'resume'],
  ] as const)('%j is %s', (text, command) => {
    expect(broadcastPreferenceCommand(text)).toBe(command);
  });

  it.each(['nhắn tin lại cho tôi', 'tôi muốn dung nhan tin luc nay', 'đặt lịch khám', ''])('%j is no command', (text) => {
    expect(broadcastPreferenceCommand(text)).toBeNull();
  });
});
