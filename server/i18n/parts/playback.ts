/**
 * Messages of package playback (issue #5): the platform page that frames a package.
 * Vietnamese first; English has exactly the same keys.
 */
export const vi = {
  playback_page_title: 'Học gói nội dung',
  playback_frame_title: 'Nội dung “{title}”',
  playback_preview_note: 'Bạn đang xem thử gói: kết quả được ghi lại để kiểm tra nhưng không tính vào tiến độ học tập.',
  playback_scos_label: 'Các phần của gói',
  playback_hint: 'Tiến độ được lưu tự động. Bạn có thể đóng trang và quay lại học tiếp từ chỗ đã dừng.',
  playback_sco_not_found: 'Không tìm thấy phần nội dung này trong gói.',
};

export const en: Record<keyof typeof vi, string> = {
  playback_page_title: 'Content package',
  playback_frame_title: 'Content “{title}”',
  playback_preview_note: 'You are previewing this package: results are recorded for checking but do not count as learning progress.',
  playback_scos_label: 'Parts of the package',
  playback_hint: 'Progress is saved automatically. You can close this page and continue later where you stopped.',
  playback_sco_not_found: 'This part was not found in the package.',
};
