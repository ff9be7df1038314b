/**
 * Vietnamese catalogue — the reference language: every message id is defined here first
 * and `MessageId` is derived from these keys. Text is NFC; `{name}` marks a parameter.
 */
export const vi = {
  // generic failures
  validation_failed: 'Dữ liệu nhập chưa hợp lệ',
  invalid_id: 'Mã định danh không hợp lệ',
  duplicate_value: 'Giá trị đã tồn tại ({fields})',
  record_changed: 'Dữ liệu vừa được người khác thay đổi; vui lòng tải lại và thử lại',

  // field rules (zod issues are mapped to these)
  field_required: 'Bắt buộc nhập',
  field_invalid_type: 'Sai kiểu dữ liệu',
  field_too_short: 'Quá ngắn',
  field_too_long: 'Quá dài',
  field_out_of_range: 'Giá trị nằm ngoài khoảng cho phép',
  field_invalid_choice: 'Giá trị không có trong danh sách cho phép',
  field_invalid_format: 'Sai định dạng',
  field_invalid_date: 'Ngày không hợp lệ',
  date_out_of_range: 'Ngày phải nằm trong khoảng từ 01/01/1900 đến 31/12/2100',
  text_control_chars: 'Không được chứa ký tự điều khiển hoặc ký tự đảo chiều văn bản',
  field_invalid_id: 'Mã định danh không hợp lệ',
  field_unknown: 'Trường này không được hỗ trợ',
  code_invalid: 'Mã chỉ gồm chữ cái không dấu, chữ số và các dấu . _ -, bắt đầu bằng chữ cái hoặc chữ số',
  email_invalid: 'Địa chỉ email không hợp lệ',
  phone_invalid: 'Số điện thoại không hợp lệ',

  // units
  unit_not_found: 'Không tìm thấy đơn vị',
  unit_code_taken: 'Mã đơn vị {code} đã được sử dụng',
  unit_code_unknown: 'Không có đơn vị nào mang mã này',
  unit_parent_not_found: 'Không tìm thấy đơn vị cấp trên',
  unit_parent_inactive: 'Đơn vị cấp trên đã ngừng hoạt động',
  unit_inactive: 'Đơn vị {code} đã ngừng hoạt động',
  unit_move_cycle: 'Không thể chuyển đơn vị vào chính nó hoặc vào đơn vị cấp dưới của nó',
  unit_has_active_subunits: 'Đơn vị còn {count} đơn vị cấp dưới đang hoạt động',
  unit_has_active_officers: 'Đơn vị còn {count} cán bộ đang công tác',
  unit_merge_same: 'Không thể sáp nhập một đơn vị vào chính nó',
  unit_merge_into_descendant: 'Không thể sáp nhập đơn vị vào đơn vị cấp dưới của nó',
  membership_date_before_start: 'Ngày hiệu lực sớm hơn ngày bắt đầu công tác tại đơn vị hiện tại',

  unit_kind_province: 'Cấp tỉnh',
  unit_kind_department: 'Sở, ban, ngành',
  unit_kind_commune: 'Xã, phường',
  unit_kind_division: 'Phòng, ban chuyên môn',
  unit_kind_agency: 'Cơ quan, đơn vị sự nghiệp',

  unit_field_code: 'Mã đơn vị',
  unit_field_name: 'Tên đơn vị',
  unit_field_kind: 'Loại đơn vị',
  unit_field_parent: 'Đơn vị cấp trên',

  // officers
  officer_not_found: 'Không tìm thấy cán bộ',
  officer_code_taken: 'Mã cán bộ {code} đã được sử dụng',
  officer_email_taken: 'Email này đã được dùng cho một cán bộ khác',
  officer_code_duplicate_in_file: 'Mã cán bộ bị trùng với một dòng khác trong tệp',
  officer_email_duplicate_in_file: 'Email bị trùng với một dòng khác trong tệp',
  officer_already_in_unit: 'Cán bộ đã thuộc đơn vị này',
  officer_not_employed: 'Cán bộ đã nghỉ hưu hoặc đã chuyển công tác',

  officer_category_can_bo: 'Cán bộ',
  officer_category_cong_chuc: 'Công chức',
  officer_category_vien_chuc: 'Viên chức',
  officer_category_nguoi_lao_dong: 'Người lao động',

  officer_status_active: 'Đang công tác',
  officer_status_on_leave: 'Tạm nghỉ',
  officer_status_transferred: 'Đã chuyển công tác',
  officer_status_retired: 'Đã nghỉ hưu',

  officer_field_code: 'Mã cán bộ',
  officer_field_full_name: 'Họ và tên',
  officer_field_email: 'Email',
  officer_field_phone: 'Số điện thoại',
  officer_field_unit: 'Đơn vị',
  officer_field_unit_code: 'Mã đơn vị',
  officer_field_position: 'Chức vụ',
  officer_field_rank: 'Ngạch / chức danh',
  officer_field_category: 'Đối tượng',
  officer_field_is_leader: 'Lãnh đạo',
  officer_field_status: 'Trạng thái',
} satisfies Record<string, string>;
