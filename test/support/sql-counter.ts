/** A TypeORM logger that counts SQL statements, for N+1 assertions. */
import type { Logger } from "typeorm";

export class SqlCounter implements Logger {
  statements: string[] = [];
  /** The same statements with their parameters, to EXPLAIN them as they ran. */
  calls: { query: string; parameters: unknown[] }[] = [];

  get count(): number {
    return this.statements.length;
  }

  reset(): void {
    this.statements = [];
    this.calls = [];
  }

  /** Statements run while `work` runs. */
  async during<T>(work: () => Promise<T>): Promise<{ result: T; statements: string[] }> {
    this.reset();
    const result = await work();
    return { result, statements: [...this.statements] };
  }

  logQuery(query: string, parameters: unknown[] = []): void {
    this.statements.push(query);
    this.calls.push({ query, parameters });
  }

  logQueryError(): void {}
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(): void {}
  log(): void {}
}
