import { LitElement, css, html } from 'lit';
import { customElement, query, state } from 'lit/decorators.js';
import { LiveController } from '../state/live-controller';

/** Sign in (POST /api/auth/login) / sign out, and who is signed in with which roles. */
@customElement('oar-session-menu')
export class OarSessionMenu extends LitElement {
  static override styles = css`
    :host {
      display: inline-flex;
      align-items: center;
      gap: 0.5rem;
    }
    form {
      display: flex;
      gap: 0.4rem;
      align-items: center;
      flex-wrap: wrap;
    }
    input {
      width: 8rem;
    }
    .error,
    .ended {
      color: var(--danger);
      font-weight: 600;
    }
    button,
    input {
      font: inherit;
      padding: 0.25rem 0.5rem;
      border: 1px solid var(--border);
      border-radius: 4px;
      background: var(--bg);
      color: var(--fg);
    }
    button:focus-visible,
    input:focus-visible {
      outline: 3px solid var(--focus);
    }
  `;

  private readonly live = new LiveController(this);
  @state() private open = false;
  @state() private error = '';
  @state() private busy = false;
  @query('input[name=username]') private username!: HTMLInputElement;

  override render() {
    const session = this.live.session;
    if (!session) return null;
    const user = session.user;
    if (user)
      return html`<span>Signed in as <strong>${user.name}</strong> (${user.roles.join(', ')})</span>
        <button @click=${() => session.signOut()}>Sign out</button>`;
    const ended = session.endedReason;
    if (!this.open && ended)
      return html`<span class="ended" role="alert">${sessionEndedSentence(ended)}</span>
        <button @click=${this.openForm}>Sign in again</button>`;
    if (!this.open) return html`<button @click=${this.openForm}>Sign in</button>`;
    return html`<form @submit=${this.submit} aria-label="Sign in">
      <label>User <input name="username" autocomplete="username" required /></label>
      <label>Password <input name="password" type="password" autocomplete="current-password" required /></label>
      <button type="submit" ?disabled=${this.busy}>Sign in</button>
      <button type="button" @click=${() => (this.open = false)}>Cancel</button>
      ${this.error ? html`<span class="error" role="alert">${this.error}</span>` : null}
    </form>`;
  }

  private async openForm() {
    this.open = true;
    await this.updateComplete;
    this.username.focus();
  }

  private async submit(event: SubmitEvent) {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    this.busy = true;
    this.error = '';
    try {
      await this.live.api!.login(String(data.get('username')), String(data.get('password')));
      this.open = false;
      // The form is gone: the app moves the focus to the page, where the user's work continues.
      this.dispatchEvent(new CustomEvent('signed-in', { bubbles: true, composed: true }));
    } catch (err) {
      this.error = (err as Error).message;
    } finally {
      this.busy = false;
    }
  }
}

/**
 * The server's reason ("your login token expired: sign in again") as the notice says it: the part
 * before the advice (the button beside it gives that), as a sentence.
 */
function sessionEndedSentence(reason: string): string {
  return `You were signed out: ${reason.replace(/:?\s*sign in again\.?$/i, '')}.`;
}
