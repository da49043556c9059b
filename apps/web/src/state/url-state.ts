/**
 * Filters and sort kept in the page's URL (`?state=Alive&sort=name`), so a filtered view is a link
 * that can be shared. `replaceState`: changing a filter does not add a Back step per keystroke.
 */
export function readUrlState(): URLSearchParams {
  return new URLSearchParams(location.search);
}

/** Sets (or, for empty values, removes) each key, keeping the others and the path. */
export function writeUrlState(values: Record<string, string | number | undefined>): void {
  const params = readUrlState();
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined || value === '') params.delete(key);
    else params.set(key, String(value));
  }
  const search = params.toString();
  history.replaceState(history.state, '', `${location.pathname}${search ? `?${search}` : ''}`);
}
