/** The recording list's metadata editor, its undo and its delete confirmation. */
import type { Locator, Page } from 'playwright-core';

export interface Metadata {
  name?: string;
  action?: string;
  subject?: string;
  trial?: string;
}

export class RecordingListPage {
  readonly search: Locator;
  readonly confirm: Locator;

  constructor(readonly page: Page) {
    this.search = page.getByLabel('Search recordings');
    this.confirm = page.getByRole('dialog', { name: 'Delete recording' });
  }

  /** the row of recording `name`: its name, action, subject and trial as shown */
  async row(name: string): Promise<string[]> {
    const row = this.page.locator('table tbody tr', { has: this.page.getByRole('button', { name, exact: true }) });
    return (await row.locator('td').allTextContents()).slice(0, 4);
  }

  async edit(name: string, change: Metadata): Promise<void> {
    await this.page.getByRole('button', { name: `Edit ${name}`, exact: true }).click();
    const form = this.page.getByRole('form', { name: `Edit ${name}` });
    const fields: [string, string | undefined][] = [
      ['Name', change.name],
      ['Action', change.action],
      ['Subject', change.subject],
      ['Trial', change.trial],
    ];
    for (const [label, value] of fields) if (value !== undefined) await form.getByLabel(label, { exact: true }).fill(value);
    await form.getByRole('button', { name: 'Save' }).click();
    await form.waitFor({ state: 'detached' });
  }

  async undo(name: string): Promise<void> {
    await this.page.getByRole('button', { name: `Undo edit of ${name}` }).click();
  }

  /** opens the delete confirmation of `name`; returns what it says goes */
  async askDelete(name: string): Promise<string[]> {
    await this.page.getByRole('button', { name: `Delete ${name}`, exact: true }).click();
    await this.confirm.waitFor();
    return this.confirm.locator('li').allTextContents();
  }

  async confirmDelete(name: string): Promise<void> {
    await this.confirm.getByRole('button', { name: `Delete ${name}`, exact: true }).click();
    await this.confirm.waitFor({ state: 'hidden' });
  }
}
