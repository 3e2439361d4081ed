import type { DataSource } from "typeorm";
export async function loadDemoData(_db: DataSource): Promise<boolean> { return false; }
