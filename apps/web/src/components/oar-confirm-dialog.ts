import { LitElement, css, html } from 'lit';
import { customElement, query, state } from 'lit/decorators.js';

/** A modal yes/no question on the native <dialog> (focus trap and Escape for free). */
@customElement('oar-confirm-dialog')
export class OarConfirmDialog extends LitElement {
  static override styles = css`
    dialog {
      background: var(--bg);
      color: var(--fg);
      border: 2px solid var(--border);
      border-radius: 8px;
      max-width: 40rem;
    }
    ul {
      max-height: 50vh;
      overflow: auto;
      padding-left: 1.2rem;
    }
    dialog::backdrop {
      background: rgb(0 0 0 / 50%);
    }
    .buttons {
      display: flex;
      gap: 0.5rem;
      justify-content: flex-end;
      margin-top: 1rem;
    }
    button {
      font: inherit;
      font-weight: 600;
      padding: 0.3rem 0.8rem;
      border-radius: 4px;
      border: 1px solid var(--border);
      background: var(--bg);
      color: var(--fg);
    }
    button.confirm {
      background: var(--danger);
      border-color: var(--danger);
      color: var(--bg);
    }
    button:focus-visible {
      outline: 3px solid var(--focus);
      outline-offset: 2px;
    }
  `;

  @state() private message = '';
  @state() private items: readonly string[] = [];
  @state() private confirmLabel = 'Confirm';
  @query('dialog') private dialog!: HTMLDialogElement;
  private resolve?: (ok: boolean) => void;

  /** Shows the question (and what it affects, one line each); resolves true only when the user confirms. */
  async ask(message: string, confirmLabel = 'Confirm', items: readonly string[] = []): Promise<boolean> {
    this.message = message;
    this.items = items;
    this.confirmLabel = confirmLabel;
    await this.updateComplete;
    this.dialog.showModal();
    return new Promise((resolve) => (this.resolve = resolve));
  }

  override render() {
    return html`<dialog @close=${() => this.finish(false)} aria-label="Confirm">
      <p>${this.message}</p>
      ${
        this.items.length > 0
          ? html`<ul>
              ${this.items.map((item) => html`<li>${item}</li>`)}
            </ul>`
          : null
      }
      <div class="buttons">
        <button @click=${() => this.finish(false)}>Cancel</button>
        <button class="confirm" @click=${() => this.finish(true)}>${this.confirmLabel}</button>
      </div>
    </dialog>`;
  }

  private finish(ok: boolean) {
    const resolve = this.resolve;
    this.resolve = undefined;
    if (this.dialog.open) this.dialog.close();
    resolve?.(ok);
  }
}
