/** The project screen as a user sees it: the project form, its summary and the recording list. */
import type { Locator, Page } from 'playwright-core';
import { AnnotationTransferPage } from './annotationTransferPage.ts';

export class ProjectPage {
  readonly projectFile: Locator;
  readonly summary: Locator;
  readonly recordingRows: Locator;
  readonly actionFilter: Locator;
  readonly shownCount: Locator;
  readonly alerts: Locator;
  /** every recording's annotations out and in */
  readonly annotations: AnnotationTransferPage;

  constructor(readonly page: Page) {
    this.projectFile = page.getByRole('textbox', { name: 'Project file', exact: true });
    this.summary = page.locator('dl.summary');
    this.recordingRows = page.locator('table tbody tr');
    this.actionFilter = page.getByLabel('Action');
    this.shownCount = page.locator('.count');
    this.alerts = page.getByRole('alert');
    this.annotations = new AnnotationTransferPage(page);
  }

  async goto(url: string): Promise<void> {
    await this.page.goto(url);
    await this.projectFile.waitFor();
  }

  async open(path: string): Promise<void> {
    await this.projectFile.fill(path);
    await this.page.getByRole('button', { name: 'Open', exact: true }).click();
    await this.summary.waitFor();
  }

  /** a new, empty project at `path` */
  async create(path: string): Promise<void> {
    await this.projectFile.fill(path);
    await this.page.getByRole('button', { name: 'Create', exact: true }).click();
    await this.summary.waitFor();
  }

  /** the summary's value for a term such as "Recordings" */
  async summaryValue(term: string): Promise<string> {
    return (await this.summary.locator(`dt:text-is("${term}") + dd`).textContent()) ?? '';
  }

  /** waits until the summary's value for `term` reads `value` (the summary refreshes when an import ends) */
  async waitForSummary(term: string, value: string, timeout = 30_000): Promise<void> {
    await this.summary.locator(`dt:text-is("${term}") + dd:text-is("${value}")`).waitFor({ timeout });
  }

  /** the names in the list once it shows `count` rows */
  async recordingNames(count: number): Promise<string[]> {
    await this.page.waitForFunction((n) => document.querySelectorAll('table tbody tr').length === n, count);
    return this.recordingRows.locator('td:first-child').allTextContents();
  }

  async filterByAction(action: string): Promise<void> {
    await this.actionFilter.selectOption({ label: action });
  }
}
