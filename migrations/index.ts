/** Every migration, oldest first. A new migration file is added here in the same commit. */
import { Foundation1795531047651 } from "./1795531047651-Foundation";
import { BudgetsBookingsQuotes1795532869915 } from "./1795532869915-BudgetsBookingsQuotes";
import { Pricing1795534037045 } from "./1795534037045-Pricing";
import { BrokersPackagesCareHomes1795536267384 } from "./1795536267384-BrokersPackagesCareHomes";
import { TimeBands1795541000000 } from "./1795541000000-TimeBands";
import { ReferenceFallback1795543000000 } from "./1795543000000-ReferenceFallback";
import { TheLawAsWritten1795544000000 } from "./1795544000000-TheLawAsWritten";
import { PlansAndApprovals1795542000000 } from "./1795542000000-PlansAndApprovals";
import { Settlement1795545000000 } from "./1795545000000-Settlement";
import { Events1795546000000 } from "./1795546000000-Events";
import { Marketplace1795547000000 } from "./1795547000000-Marketplace";
import { FeedCounts1795549500000 } from "./1795549500000-FeedCounts";
import { PeriodClose1795550000000 } from "./1795550000000-PeriodClose";
import { BudgetReviews1795551000000 } from "./1795551000000-BudgetReviews";
import { PlanningRefusals1795553000000 } from "./1795553000000-PlanningRefusals";
import { OneVisitKeyPerLine1795556000000 } from "./1795556000000-OneVisitKeyPerLine";
import { ReportFacts1795557000000 } from "./1795557000000-ReportFacts";
import { MonthlyPartitions1795558000000 } from "./1795558000000-MonthlyPartitions";

export const migrations = [
  Foundation1795531047651,
  BudgetsBookingsQuotes1795532869915,
  Pricing1795534037045,
  BrokersPackagesCareHomes1795536267384,
  TimeBands1795541000000,
  PlansAndApprovals1795542000000,
  ReferenceFallback1795543000000,
  TheLawAsWritten1795544000000,
  Settlement1795545000000,
  Events1795546000000,
  Marketplace1795547000000,
  FeedCounts1795549500000,
  PeriodClose1795550000000,
  BudgetReviews1795551000000,
  PlanningRefusals1795553000000,
  OneVisitKeyPerLine1795556000000,
  ReportFacts1795557000000,
  MonthlyPartitions1795558000000,
];
