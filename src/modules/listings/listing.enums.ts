export enum ListingSetting {
  HOME = "HOME",
  COMMUNITY = "COMMUNITY",
  CARE_HOME = "CARE_HOME",
  REMOTE = "REMOTE",
}

export enum ListingOrder {
  PRICE_ASC = "PRICE_ASC",
  PRICE_DESC = "PRICE_DESC",
  NEWEST = "NEWEST",
  SAVING_DESC = "SAVING_DESC",
}
