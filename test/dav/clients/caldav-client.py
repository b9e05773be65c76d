# Drives Stoa with Python's caldav library (Debian python3-caldav), as a
# calendar client would: discovery, calendar creation, event and task CRUD,
# time-range search with expansion, and sync by token. Prints one JSON
# document with what it saw; the test checks it.
import datetime
import json
import sys

import caldav

url, user, password = sys.argv[1:4]
out = {}
client = caldav.DAVClient(url=url, username=user, password=password)
principal = client.principal()
out['principal'] = str(principal.url)
out['calendars'] = sorted(c.name for c in principal.calendars())
cal = principal.make_calendar(name='Python', cal_id='python')
event = cal.save_event(
    'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//tests//EN\r\nBEGIN:VEVENT\r\nUID:py-event\r\nDTSTAMP:20260101T000000Z\r\n'
    'DTSTART;TZID=Europe/Zurich:20260302T090000\r\nDTEND;TZID=Europe/Zurich:20260302T100000\r\nRRULE:FREQ=WEEKLY;COUNT=6\r\n'
    'SUMMARY:Weekly sync\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n')
out['event_url'] = str(event.url)
found = cal.date_search(start=datetime.datetime(2026, 3, 15, tzinfo=datetime.timezone.utc), end=datetime.datetime(2026, 3, 24, tzinfo=datetime.timezone.utc), expand=True)
out['search'] = sorted(str(c.get('recurrence-id').dt) for r in found for c in r.icalendar_instance.walk('vevent'))
event.icalendar_component['summary'] = 'Weekly sync (moved)'
event.save()
out['after_edit'] = str(cal.event_by_uid('py-event').icalendar_component['summary'])
todo = cal.save_todo('BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//tests//EN\r\nBEGIN:VTODO\r\nUID:py-task\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:Write the report\r\nEND:VTODO\r\nEND:VCALENDAR\r\n')
out['todos'] = [str(t.icalendar_component['summary']) for t in cal.todos()]
todo.complete()
out['open_todos_after_complete'] = len(cal.todos())
sync = cal.objects_by_sync_token(load_objects=False)
first_token = sync.sync_token
event.delete()
changed = cal.objects_by_sync_token(sync_token=first_token, load_objects=False)
out['changed_after_delete'] = sorted(str(o.url).rsplit('/', 1)[-1] for o in changed)
print(json.dumps(out))
