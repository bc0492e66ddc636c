from django.urls import path, re_path

from saduak.appointments.views import booking, mobile, queue, staff, stats

app_name = "appointments"
urlpatterns = [
    # Citizens: booking
    path("appointments/", booking.my_bookings, name="mine"),
    path("appointments/book/", booking.service_list, name="services"),
    path("services/<slug:code>/", booking.service_detail, name="service"),
    path("appointments/book/<slug:code>/", booking.choose_office, name="choose-office"),
    path(
        "appointments/book/<slug:code>/<slug:office_code>/",
        booking.choose_time,
        name="choose-time",
    ),
    path(
        "appointments/book/<slug:code>/<slug:office_code>/confirm/",
        booking.confirm,
        name="confirm",
    ),
    path("appointments/b/<str:reference>/", booking.booking_detail, name="booking"),
    path(
        "appointments/b/<str:reference>/cancel/",
        booking.booking_cancel,
        name="booking-cancel",
    ),
    path(
        "appointments/b/<str:reference>/change/",
        booking.booking_change,
        name="booking-change",
    ),
    # Walk-ins, the display, a person's ticket
    path("offices/<slug:code>/kiosk/", queue.kiosk, name="kiosk"),
    path("offices/<slug:code>/kiosk/ticket/", queue.kiosk_ticket, name="kiosk-ticket"),
    path(
        "offices/<slug:code>/kiosk/check-in/",
        queue.kiosk_check_in,
        name="kiosk-check-in",
    ),
    path("offices/<slug:code>/now-serving/", queue.now_serving, name="now-serving"),
    path(
        "offices/<slug:code>/now-serving/board/",
        queue.now_serving_board,
        name="now-serving-board",
    ),
    path("q/<str:token>/", queue.ticket_page, name="ticket"),
    path("q/<str:token>/status/", queue.ticket_status, name="ticket-status"),
    # The Mobile Unit, for anyone
    path("mobile-unit/", mobile.request_new, name="mobile-request"),
    path("mobile-unit/areas/", mobile.area_options, name="mobile-areas"),
    path("mobile-unit/r/<str:token>/", mobile.request_status, name="mobile-status"),
    # Staff
    path(
        "staff/offices/<slug:code>/services/",
        staff.office_services,
        name="office-services",
    ),
    path(
        "staff/offices/<slug:code>/services/<slug:service_code>/",
        staff.office_service_save,
        name="office-service-save",
    ),
    path(
        "staff/offices/<slug:code>/queue-settings/",
        staff.queue_settings_save,
        name="queue-settings-save",
    ),
    path(
        "staff/offices/<slug:code>/kiosk-key/", staff.kiosk_key_issue, name="kiosk-key"
    ),
    path(
        "staff/offices/<slug:code>/release/", staff.slots_release_view, name="release"
    ),
    path(
        "staff/offices/<slug:code>/bookings/",
        staff.office_bookings,
        name="office-bookings",
    ),
    path("staff/offices/<slug:code>/queue/", queue.counter_list, name="counters"),
    path(
        "staff/offices/<slug:code>/queue/<int:number>/",
        queue.counter_console,
        name="counter",
    ),
    path(
        "staff/offices/<slug:code>/queue/<int:number>/<slug:action>/",
        queue.counter_action,
        name="counter-action",
    ),
    path("staff/statistics/", stats.statistics, name="statistics"),
    re_path(
        r"^staff/statistics\.(?P<file_format>csv|xlsx)$",
        stats.statistics,
        name="statistics-export",
    ),
    path("staff/mobile-unit/", mobile.staff_requests, name="mobile-staff"),
    path("staff/mobile-unit/visits/", mobile.staff_schedule, name="mobile-schedule"),
    path(
        "staff/mobile-unit/<str:reference>/close/",
        mobile.staff_close,
        name="mobile-close",
    ),
    path(
        "staff/mobile-unit/statistics/",
        mobile.staff_statistics,
        name="mobile-statistics",
    ),
    re_path(
        r"^staff/mobile-unit/statistics\.(?P<file_format>csv|xlsx)$",
        mobile.staff_statistics,
        name="mobile-statistics-export",
    ),
]
