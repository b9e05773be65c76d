// <input type="datetime-local"> speaks local wall-clock time without a zone
// ("2026-12-24T09:00"); the API speaks ISO 8601 instants. These convert
// between the two in the browser's time zone.
const pad = (n: number): string => String(n).padStart(2, '0');

/** ISO instant → "YYYY-MM-DDTHH:MM" in local time; '' for null or unreadable. */
export function toLocalInput(iso: string | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** "YYYY-MM-DDTHH:MM" local → ISO instant; null for '' (no bound); undefined when unreadable. */
export function fromLocalInput(text: string): string | null | undefined {
  if (!text.trim()) return null;
  const d = new Date(text);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}
