/** 'system' follows the browser's preference; the CSS only knows explicit themes. */
export function applyTheme(theme: string): void {
  const known = ['light', 'dark', 'contrast'];
  const systemDark = matchMedia('(prefers-color-scheme: dark)').matches;
  document.documentElement.dataset.theme = known.includes(theme) ? theme : systemDark ? 'dark' : 'light';
}
