/**
 * Published reference rates (pence), in the columns importReferenceRates reads: Merton's direct
 * payment rates from 21 August 2023, a Leicestershire framework rate, and England's minimum prices
 * and averages for homecare and care homes. Loaded with the demo data; the tests import it too.
 */
export const PUBLISHED_REFERENCE_RATES = `funding_body_code,funding_body_name,category,unit,visit_minutes,rate_type,rate_pence,valid_from,valid_to,source_kind,source
E09000024,London Borough of Merton,PERSONAL_CARE,HOUR,,STANDARD,1955,2023-08-21,,COUNCIL_DP_RATE,Merton direct payment rates from 21 Aug 2023
E09000024,London Borough of Merton,PA_SUPPORT,HOUR,,STANDARD,1955,2023-08-21,,COUNCIL_DP_RATE,Merton direct payment rates from 21 Aug 2023 (PA wage 1480 + on-costs 475)
E09000024,London Borough of Merton,PERSONAL_CARE,VISIT,45,STANDARD,1572,2023-08-21,,COUNCIL_DP_RATE,Merton direct payment rates from 21 Aug 2023
E09000024,London Borough of Merton,PERSONAL_CARE,VISIT,30,STANDARD,1190,2023-08-21,,COUNCIL_DP_RATE,Merton direct payment rates from 21 Aug 2023
E09000024,London Borough of Merton,NIGHT_CARE,HOUR,,SLEEP_IN,1539,2023-08-21,,COUNCIL_DP_RATE,Merton direct payment rates from 21 Aug 2023
E09000024,London Borough of Merton,LIVE_IN_CARE,WEEK,,LIVE_IN,136850,2023-08-21,,COUNCIL_DP_RATE,Merton direct payment rates from 21 Aug 2023
E09000024,London Borough of Merton,DAY_SERVICE,DAY,,STANDARD,4581,2023-08-21,,COUNCIL_DP_RATE,Merton direct payment rates from 21 Aug 2023 (day care incl. transport)
E10000018,Leicestershire County Council,DAY_SERVICE,HALF_DAY,,STANDARD,1618,2025-04-07,,COUNCIL_FRAMEWORK_RATE,Leicestershire Community Life Choices framework Band A half-day
E92000001,England,PERSONAL_CARE,HOUR,,STANDARD,2595,2023-04-01,2024-03-31,MINIMUM_PRICE,Homecare Association minimum price for homecare 2023-24
E92000001,England,PERSONAL_CARE,HOUR,,STANDARD,2853,2024-04-01,2025-03-31,MINIMUM_PRICE,Homecare Association minimum price for homecare 2024-25
E92000001,England,PERSONAL_CARE,HOUR,,STANDARD,3214,2025-04-01,2026-03-31,MINIMUM_PRICE,Homecare Association minimum price for homecare 2025-26
E92000001,England,PERSONAL_CARE,HOUR,,STANDARD,2410,2025-04-01,2026-03-31,NATIONAL_AVERAGE,Average council fee rate for state-funded homecare 2025-26
E92000001,England,RESIDENTIAL_CARE,WEEK,,STANDARD,94900,2023-04-01,2024-03-31,NATIONAL_AVERAGE,LaingBuisson UK average residential care home fee 2023-24
E92000001,England,NURSING,WEEK,,STANDARD,126700,2023-04-01,2024-03-31,NATIONAL_AVERAGE,LaingBuisson UK average nursing home fee 2023-24
`;
