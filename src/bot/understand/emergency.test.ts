import { describe, expect, it } from 'vitest';
import { detectEmergency, type EmergencyKind } from './emergency';

describe('detectEmergency', () => {
  const emergencies: [string, EmergencyKind][] = [
    ['Bố tôi đang khó thở', 'breathing'],
    ['KHO THO QUA', 'breathing'],
    ['me toi bi dau nguc', 'chest'],
    ['Đau ngực trái, vã mồ hôi', 'chest'],
    ['cần cấp cứu gấp!!!', 'general'],
    ['cap cuu', 'general'],
    ['trung tam cap cuu 115 o dau', 'general'],
    ['Ông nhà tôi vừa ngất', 'consciousness'],
    ['bị ngất xỉu ngoài sân', 'consciousness'],
    ['ngat', 'consciousness'],
    ['Ngất.', 'consciousness'],
    ['hình như bị đột quỵ', 'stroke'],
    ['đột qụy', 'stroke'],
    ['dot quy', 'stroke'],
    ['bà bị co giật', 'seizure'],
    ['co giat', 'seizure'],
    ['ông ấy bất tỉnh rồi', 'consciousness'],
    ['BAT TINH', 'consciousness'],
    ['vết thương chảy máu nhiều', 'bleeding'],
    ['chay mau nhieu', 'bleeding'],
    ['tức ngực khó chịu', 'chest'],
    ['đang hôn mê', 'consciousness'],
    ['ngừng thở', 'breathing'],
  ];
  it.each(emergencies)('"%s" is an emergency (%s)', (text, kind) => {
    expect(detectEmergency(text)?.kind).toBe(kind);
  });

  const ordinary = [
    'tôi muốn đặt lịch khám ngày mai',
    'dat lich kham',
    'Xem kết quả khám',
    'hoa thơm ngát',
    'ngắt điện từ 8 giờ',
    'ngatngat',
    'nganh y te',
    'tôi có giặt đồ rồi',
    'chờ xíu nhé',
    'doi xiu',
    'thở dài',
    'đau đầu nhẹ',
    'xin cấp thuốc huyết áp',
    'cứu tôi với bài toán này',
    'máu nhiễm mỡ',
    'tôi bị tiểu đường, có cần nhịn ăn không?',
    'khó ngủ',
    'ngực',
    '115',
    'hủy liên kết',
    '',
  ];
  it.each(ordinary)('"%s" is not an emergency', (text) => {
    expect(detectEmergency(text)).toBeNull();
  });
});
