/** Messages of the yearly plan (campaigns, enrolments, overrides, exemptions); English has the same keys. */
export const vi = {
  // refusals
  campaign_not_found: 'Không tìm thấy kế hoạch bồi dưỡng',
  campaign_module_not_found: 'Kế hoạch không có học phần này',
  campaign_module_duplicate: 'Học phần này đã có trong kế hoạch; mỗi học phần chỉ có một hạn hoàn thành trong một kế hoạch',
  campaign_module_unpublished: 'Chỉ đưa vào kế hoạch học phần đã xuất bản và chưa lưu trữ',
  campaign_date_outside_year: 'Ngày phải thuộc năm {year} của kế hoạch',
  campaign_due_past: 'Hạn hoàn thành không được trước ngày hôm nay',
  campaign_unit_outside: 'Đơn vị này không thuộc phạm vi của đơn vị lập kế hoạch',
  campaign_closed: 'Kế hoạch đã kết thúc, không thể sửa',
  campaign_status_invalid: 'Không thể chuyển trạng thái kế hoạch như vậy (chỉ: nháp → đang triển khai → đã kết thúc)',
  campaign_no_modules: 'Kế hoạch cần ít nhất một học phần trước khi triển khai',
  campaign_module_already_stopped: 'Học phần này đã ngừng giao',
  campaign_module_not_stopped: 'Học phần này đang được giao, không có gì để hoàn tác',
  campaign_stop_confirm: 'Hãy xác nhận việc ngừng giao học phần',
  campaign_clone_same_year: 'Năm của bản sao phải khác năm của kế hoạch gốc',
  campaign_exists: 'Đã có kế hoạch «{name}» của đơn vị này trong năm đó',
  // notices to officers
  notice_due_changed: 'Hạn hoàn thành học phần {module} trong «{campaign}» đã đổi từ {from} sang {to}.',
};

export const en: Record<keyof typeof vi, string> = {
  campaign_not_found: 'Training plan not found',
  campaign_module_not_found: 'The plan does not hold this module',
  campaign_module_duplicate: 'This module is already in the plan; a module has one due date per plan',
  campaign_module_unpublished: 'Only published, unarchived modules can be planned',
  campaign_date_outside_year: 'The date must fall in the plan’s year {year}',
  campaign_due_past: 'The due date cannot be before today',
  campaign_unit_outside: 'This unit is outside the planning unit’s scope',
  campaign_closed: 'The plan is closed and can no longer be changed',
  campaign_status_invalid: 'A plan moves only from draft to open to closed',
  campaign_no_modules: 'The plan needs at least one module before it opens',
  campaign_module_already_stopped: 'This module is already stopped',
  campaign_module_not_stopped: 'This module is not stopped; there is nothing to undo',
  campaign_stop_confirm: 'Confirm stopping the module',
  campaign_clone_same_year: 'The copy’s year must differ from the original’s',
  campaign_exists: 'This unit already has a plan “{name}” that year',
  notice_due_changed: 'The due date of module {module} in “{campaign}” moved from {from} to {to}.',
};
