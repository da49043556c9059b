import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** Re-renders its host every second while connected: for "data is N s old" and clocks. */
export class TickController implements ReactiveController {
  private timer?: ReturnType<typeof setInterval>;

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  hostConnected(): void {
    this.timer = setInterval(() => this.host.requestUpdate(), 1000);
  }

  hostDisconnected(): void {
    clearInterval(this.timer);
  }
}
