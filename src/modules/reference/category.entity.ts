import { Column, Entity, PrimaryColumn } from "typeorm";
import { BudgetKind, CategoryPurpose } from "./reference.enums";

/** A service category of the taxonomy (DOMAIN.md). Reference data: seeded by migrations. */
@Entity("service_categories")
export class ServiceCategoryEntity {
  @PrimaryColumn({ type: "varchar", length: 40 })
  code!: string;

  @Column({ type: "varchar", length: 120 })
  name!: string;

  @Column({ type: "enum", enum: CategoryPurpose, enumName: "category_purpose" })
  purpose!: CategoryPurpose;

  /** Providing it is a CQC-regulated activity (Health and Social Care Act 2008). */
  @Column({ type: "boolean" })
  regulated!: boolean;

  /** Budget kinds that may pay for it (a PHB may not buy everything: NHS (Direct Payments) Regs 2013). */
  @Column({ type: "enum", enum: BudgetKind, enumName: "budget_kind", array: true })
  allowedFor!: BudgetKind[];

  @Column({ type: "smallint" })
  sortOrder!: number;

  /** Why some budget kinds may not pay for it, with the source; empty when every kind may. */
  @Column({ type: "varchar", length: 400 })
  exclusionNote!: string;
}
