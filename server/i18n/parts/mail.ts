/** Messages of the mail area, Vietnamese first; English has exactly the same keys. */
export const vi = {
  mail_platform_name: 'Nền tảng bồi dưỡng Văn hóa công vụ',
  mail_greeting: 'Kính gửi {name},',
  mail_link_fallback: 'Nếu nút trên không hoạt động, Anh/Chị hãy sao chép liên kết sau vào trình duyệt:',
  mail_automatic_notice: 'Thư này được gửi tự động, vui lòng không trả lời.',

  mail_reset_subject: 'Đặt lại mật khẩu — Nền tảng bồi dưỡng Văn hóa công vụ',
  mail_reset_intro: 'Hệ thống vừa nhận được yêu cầu đặt lại mật khẩu cho tài khoản của Anh/Chị.',
  mail_reset_action: 'Để đặt mật khẩu mới, vui lòng mở liên kết dưới đây. Liên kết chỉ dùng được một lần và có hiệu lực trong {minutes} phút.',
  mail_reset_button: 'Đặt mật khẩu mới',
  mail_reset_ignore: 'Nếu Anh/Chị không yêu cầu đặt lại mật khẩu, vui lòng bỏ qua thư này; mật khẩu hiện tại vẫn giữ nguyên.',

  mail_invite_subject: 'Chào mừng Anh/Chị đến với Nền tảng bồi dưỡng Văn hóa công vụ',
  mail_invite_intro: 'Tài khoản của Anh/Chị trên Nền tảng bồi dưỡng Văn hóa công vụ đã được tạo.',
  mail_invite_login: 'Tên đăng nhập (mã cán bộ): {login}',
  mail_invite_action: 'Để bắt đầu học, vui lòng mở liên kết dưới đây và đặt mật khẩu cho tài khoản. Liên kết có hiệu lực trong {hours} giờ.',
  mail_invite_button: 'Đặt mật khẩu',
  mail_invite_expired: 'Nếu liên kết đã hết hạn, Anh/Chị hãy liên hệ quản trị viên của đơn vị để được gửi lại thư mời.',
} satisfies Record<string, string>;

export const en: Record<keyof typeof vi, string> = {
  mail_platform_name: 'Public Service Culture Training Platform',
  mail_greeting: 'Dear {name},',
  mail_link_fallback: 'If the button above does not work, copy this link into your browser:',
  mail_automatic_notice: 'This message was sent automatically; please do not reply.',

  mail_reset_subject: 'Reset your password — Public Service Culture Training Platform',
  mail_reset_intro: 'We received a request to reset the password of your account.',
  mail_reset_action: 'To choose a new password, open the link below. It works only once and is valid for {minutes} minutes.',
  mail_reset_button: 'Choose a new password',
  mail_reset_ignore: 'If you did not ask to reset your password, please ignore this message; your current password stays unchanged.',

  mail_invite_subject: 'Welcome to the Public Service Culture Training Platform',
  mail_invite_intro: 'Your account on the Public Service Culture Training Platform has been created.',
  mail_invite_login: 'Sign-in name (officer code): {login}',
  mail_invite_action: 'To get started, open the link below and set the password of your account. The link is valid for {hours} hours.',
  mail_invite_button: 'Set your password',
  mail_invite_expired: 'If the link has expired, ask your unit administrator to send the invitation again.',
};
