import type { RequestSettings } from '../domain/requests/requestChat';
import type { QueueSettings } from '../domain/attendance/attendance';
import { committeeWord } from '../domain/shared/organisation';

/**
 * Every text the bot says, in Vietnamese with diacritics: short sentences an elderly reader can follow on a
 * phone. Cadres are addressed as "Ông/Bà" until we know who they are.
 */
export interface CatalogContext {
  /** Request SLA policy and handoff settings from config; defaults when absent. */
  requestSettings?: RequestSettings;
  /** The estimated wait at check-in; the domain default when absent. */
  queueSettings?: QueueSettings;
  committeeName: string;
  hotline: string;
  /** Picture shown on Zalo's "share your phone" card. */
  requestInfoImageUrl: string;
}

export const t = {
  welcome: (ctx: CatalogContext) =>
    `Kính chào Ông/Bà! Đây là trợ lý Zalo của ${ctx.committeeName}.\nTôi có thể giúp Ông/Bà đặt lịch khám, xem kết quả, hoặc gặp nhân viên.`,
  menuPrompt: 'Ông/Bà cần gì ạ? Xin gõ một số:',
  menuFooter: 'Gõ "menu" bất cứ lúc nào để quay lại đây.',
  notUnderstood: 'Xin lỗi, tôi chưa hiểu ý Ông/Bà.',
  attachmentNotRead: 'Xin lỗi, tôi chưa xem được tệp này. Ông/Bà có thể gõ chữ, hoặc gõ "gặp nhân viên" để nhân viên giúp.',
  voiceNotHeard: 'Xin lỗi, tôi chưa nghe được tin nhắn thoại. Ông/Bà có thể gõ chữ, hoặc gửi tin thoại này cho nhân viên nghe.',
  attachmentReceived: (what: string) => `Tôi đã nhận ${what} của Ông/Bà. Ông/Bà có muốn gửi cho nhân viên xem không?`,
  sendToStaff: 'Gửi cho nhân viên',
  dontSend: 'Không gửi',
  notSentToStaff: 'Dạ, chưa gửi cho nhân viên.',
  attachmentKept: (what: string) => `Đã nhận ${what}; nhân viên sẽ xem cùng yêu cầu khi Ông/Bà gửi.`,
  locationNoted: 'Cảm ơn Ông/Bà đã gửi vị trí.',
  attachmentWords: { image: 'ảnh', file: 'tệp', video: 'video', audio: 'tin nhắn thoại' } as Record<string, string>,
  thanksForInfo: 'Cảm ơn Ông/Bà đã gửi thông tin.',
  linkIntro: 'Xác minh tài khoản giúp Ông/Bà xem kết quả khám và đặt lịch qua Zalo.',
  didYouMean: (title: string, what: string) => `Có phải ${title} muốn ${what}?`,
  didYouMeanYes: 'Đúng vậy',
  didYouMeanNo: (inFlow: boolean) => (inFlow ? 'Không, làm tiếp' : 'Không phải'),
  carryOn: (title: string) => `Dạ. Xin ${title} trả lời tiếp câu hỏi trước, hoặc gõ 0 để về menu.`,
  misread: 'Dạ, xin lỗi vì đã hiểu nhầm.',
  stopped: 'Dạ, tôi dừng ở đây. Chưa có gì được gửi hay thay đổi.',
  notBooked: 'Dạ, chưa đặt lịch.',
  bookingKept: 'Dạ, lịch khám vẫn giữ nguyên.',
  requestNotSent: 'Dạ, yêu cầu chưa được gửi.',
  stillMisunderstood: (title: string, hotline: string) =>
    `Có vẻ tôi chưa hiểu đúng ý ${title}. ${title} có thể gõ "gặp nhân viên" để nhân viên giúp, hoặc gọi ${hotline} (giờ hành chính).`,
  greeting: (title: string) => `Kính chào ${title}!`,
  thanks: (title: string) => `Dạ, không có gì ạ. Chúc ${title} nhiều sức khỏe!`,
  bye: (title: string) => `Chào ${title}. Chúc ${title} nhiều sức khỏe! Khi cần, ${title} cứ nhắn tin vào đây.`,
  ack: 'Dạ.',
  noted: 'Dạ, vâng.',
  leaveChatAsk: (title: string) => `${title} muốn kết thúc trò chuyện với nhân viên và quay lại trợ lý tự động?`,
  leaveChatYes: 'Kết thúc trò chuyện',
  leaveChatNo: 'Tiếp tục trò chuyện',
  leftChat: (title: string) => `${title} đã rời cuộc trò chuyện với nhân viên. Trợ lý tự động tiếp tục giúp ${title}.`,
  stayInChat: (title: string) => `Dạ, ${title} cứ nhắn tiếp; nhân viên sẽ trả lời tại đây.`,
} as const;

/** Texts of account linking and proxies. */
export const linkingText = {
  needLink: 'Để giữ bí mật thông tin sức khỏe, Ông/Bà cần xác minh tài khoản Zalo một lần.',
  choose: 'Xin chọn cách xác minh (gõ số):',
  optionPhone: 'Gửi số điện thoại',
  optionCode: 'Nhập mã cán bộ',
  optionProxy: 'Tôi là người nhà',
  backToMenu: 'Gõ 0 để quay lại menu.',
  shareTitle: 'Xác minh số điện thoại',
  get shareSubtitle() {
    return `Bấm vào đây để chia sẻ số điện thoại Zalo với ${committeeWord()}. Số chỉ dùng để xác minh.`;
  },
  askShare: 'Xin bấm «Chia sẻ» trong tin nhắn trên để gửi số điện thoại.',
  linked: (title: string, name: string) => `Xác minh thành công. Kính chào ${title} ${name}!`,
  get phoneNotFound() {
    return `Số điện thoại này chưa có trong hồ sơ của ${committeeWord()}.`;
  },
  phoneAmbiguous: 'Số điện thoại này có trong nhiều hồ sơ, nên chưa xác minh được.',
  askCode: (example: string) => `Xin gõ mã cán bộ của Ông/Bà (in trên sổ y bạ hoặc thẻ khám, ví dụ: ${example}).\nKhông nhớ mã? Gõ "không nhớ mã".`,
  codeHelp: (example: string) => `Mã cán bộ in ở trang đầu sổ y bạ hoặc trên thẻ khám sức khỏe, có dạng ${example}.`,
  otherWays: 'Ông/Bà cũng có thể (gõ số):',
  helpPhone: 'Gửi số điện thoại',
  helpStaff: 'Nhờ nhân viên xác minh',
  helpFooter: (hotline: string) => `Hoặc gọi ${hotline} (giờ hành chính). Gõ 0 để quay lại menu.`,
  staffVerifyTopic: (why: string) => `Nhờ xác minh tài khoản Zalo: ${why}.`,
  whyNoEmail: 'hồ sơ chưa có email để nhận mã',
  whyNoCode: 'không nhớ mã cán bộ',
  whyFailed: 'nhập mã cán bộ và ngày sinh chưa khớp',
  askBirth: 'Xin gõ ngày sinh theo dạng ngày/tháng/năm, ví dụ: 05/09/1950. Nếu hồ sơ chỉ ghi năm sinh, xin gõ năm sinh, ví dụ: 1940.',
  badDate: 'Ngày sinh chưa đúng dạng. Xin gõ như ví dụ: 05/09/1950, hoặc chỉ năm sinh: 1940.',
  noMatch: (left: number) => `Mã cán bộ hoặc ngày sinh chưa khớp với hồ sơ. Xin gõ lại mã cán bộ (còn ${left} lần thử).`,
  tooManyFailures: 'Chưa xác minh được bằng mã cán bộ và ngày sinh.',
  verifyLocked: (hotline: string) =>
    `Mã cán bộ hoặc ngày sinh đã bị nhập sai nhiều lần trong hôm nay, nên việc xác minh bằng ngày sinh tạm dừng đến ngày mai để bảo vệ hồ sơ.\nNhân viên có thể giúp Ông/Bà ngay: gõ "gặp nhân viên", hoặc gọi ${hotline}.`,
  staffHelp: 'Gặp nhân viên',
  noEmail: 'Hồ sơ chưa có email để nhận mã xác minh.',
  // Nobody is named before the code is typed back: not even a masked email.
  otpSent: 'Chúng tôi vừa gửi mã 6 chữ số tới email đã đăng ký trong hồ sơ. Mã có hiệu lực 10 phút.\nXin gõ mã vào đây. Gõ "gửi lại mã" nếu chưa nhận được.',
  otpRateLimited: (hotline: string) => `Ông/Bà đã yêu cầu nhiều mã. Xin đợi một lúc rồi thử lại, hoặc gọi ${hotline}.`,
  otpWrong: (left: number) => `Mã chưa đúng. Xin gõ lại (còn ${left} lần).`,
  otpLocked: 'Ông/Bà đã nhập sai quá nhiều lần. Gõ "gửi lại mã" để nhận mã mới.',
  otpExpired: 'Mã đã hết hạn. Gõ "gửi lại mã" để nhận mã mới.',
  otpFormat: 'Mã gồm 6 chữ số, ví dụ: 123456. Xin gõ lại.',
  proxyAskCode: (example: string) => `Xin gõ mã cán bộ của người mà Ông/Bà giúp đỡ (in trên sổ y bạ, ví dụ: ${example}).`,
  proxyAskBirth: 'Xin gõ ngày sinh của cán bộ đó, ví dụ: 05/09/1950.',
  proxyAskRelation: (code: string) => `Ông/Bà là gì của cán bộ mã ${code}? Xin gõ số, hoặc gõ quan hệ (ví dụ: con gái, thư ký):`,
  relations: ['Con', 'Vợ/chồng', 'Cháu', 'Người chăm sóc', 'Khác'],
  proxyAskRelationOther: 'Xin gõ Ông/Bà là gì của cán bộ (ví dụ: thư ký, em ruột, con dâu).',
  proxyAlready: (name: string) => `Ông/Bà đã là người đại diện của ${name}. Gõ "menu" để làm việc cho ${name}.`,
  proxyIsSelf: 'Mã này là hồ sơ của chính Ông/Bà, đã liên kết với tài khoản Zalo này. Gõ "menu" để chọn việc cần làm.',
  proxyAddIntro: 'Ông/Bà có thể làm người đại diện cho một cán bộ nữa: nhân viên sẽ hỏi ý kiến cán bộ rồi duyệt.',
  leaveChoose: 'Ông/Bà muốn thôi làm người đại diện cho ai? Xin gõ số:',
  leaveConfirm: (name: string) =>
    `Ông/Bà muốn thôi thay mặt ${name} trên Zalo? Sau đó Ông/Bà không còn đặt lịch, xem kết quả hay gửi yêu cầu cho ${name}. ${committeeWord()} sẽ báo cho ${name}.`,
  leaveYes: 'Đồng ý',
  leaveNo: 'Giữ nguyên',
  left: (name: string) => `Ông/Bà đã thôi làm người đại diện của ${name}. ${committeeWord()} sẽ báo cho ${name}.`,
  notProxy: 'Tài khoản Zalo này chưa làm người đại diện cho ai.',
  proxyAskPhone:
    'Xin bấm «Chia sẻ» trong tin nhắn trên để gửi số điện thoại của Ông/Bà, hoặc gõ số điện thoại. Nhân viên sẽ gọi số này để xác nhận trước khi duyệt.',
  proxyConfirm: (code: string, relation: string, phone: string) =>
    `Xin xác nhận: Ông/Bà là ${relation} của cán bộ mã ${code} và muốn làm việc thay cán bộ qua Zalo (nhân viên sẽ hỏi ý kiến cán bộ và gọi lại số ${phone}).`,
  proxySend: 'Gửi yêu cầu',
  proxyCancel: 'Thôi, không gửi',
  proxyRequested: 'Cảm ơn Ông/Bà. Yêu cầu đã được gửi. Nhân viên sẽ hỏi ý kiến cán bộ và báo lại qua Zalo.',
  proxyPending: 'Yêu cầu làm người nhà/thư ký của Ông/Bà đang chờ nhân viên duyệt. Chúng tôi sẽ báo lại qua Zalo.',
  unlinkConfirm: (name: string) => `Ông/Bà muốn hủy liên kết Zalo này với hồ sơ của ${name}?`,
  unlinkYes: 'Đồng ý hủy',
  unlinkNo: 'Không, quay lại',
  kept: 'Đã giữ nguyên liên kết.',
  whatNext: 'Gõ "menu" để chọn việc cần làm.',
  unlinked: 'Đã hủy liên kết. Ông/Bà có thể xác minh lại bất cứ lúc nào.',
  notLinked: 'Tài khoản Zalo này chưa liên kết với hồ sơ nào.',
  chooseSubject: 'Ông/Bà làm việc này cho ai? Xin gõ số:',
  self: (name: string) => `Bản thân (${name})`,
  pickOne: 'Xin gõ một số trong danh sách.',
};
