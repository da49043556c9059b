/**
 * Seconds as `HH:MM:SS` (hours grow past 99 as needed): how walltimes and durations are shown in the
 * web app and sent to `oarsub -l …,walltime=`. One definition for browser and server.
 */
export function formatHms(seconds: number): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(Math.floor(seconds / 3600))}:${two(Math.floor(seconds / 60) % 60)}:${two(seconds % 60)}`;
}
