import { describe, expect, it } from 'vitest';
import { detectEmergency } from './emergency';

describe('detectEmergency', () => {
  const emergencies: [string, string][] = [
    ['Bố tôi đang khó thở', 'khó thở'],
    ['KHO THO QUA', 'khó thở'],
    ['me toi bi dau nguc', 'đau ngực'],
    ['Đau ngực trái, vã mồ hôi', 'đau ngực'],
    ['cần cấp cứu gấp!!!', 'cấp cứu'],
    ['cap cuu', 'cấp cứu'],
    ['trung tam cap cuu 115 o dau', 'cấp cứu'],
    ['Ông nhà tôi vừa ngất', 'ngất'],
    ['bị ngất xỉu ngoài sân', 'ngất'],
    ['ngat', 'ngất'],
    ['Ngất.', 'ngất'],
    ['hình như bị đột quỵ', 'đột quỵ'],
    ['đột qụy', 'đột quỵ'],
    ['dot quy', 'đột quỵ'],
    ['bà bị co giật', 'co giật'],
    ['co giat', 'co giật'],
    ['ông ấy bất tỉnh rồi', 'bất tỉnh'],
    ['BAT TINH', 'bất tỉnh'],
    ['vết thương chảy máu nhiều', 'chảy máu nhiều'],
    ['chay mau nhieu', 'chảy máu nhiều'],
    ['tức ngực khó chịu', 'tức ngực'],
    ['đang hôn mê', 'hôn mê'],
    ['ngừng thở', 'ngừng thở'],
  ];
  it.each(emergencies)('"%s" is an emergency (%s)', (text, phrase) => {
    expect(detectEmergency(text)).toBe(phrase);
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
