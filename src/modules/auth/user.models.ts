/** What other modules see of users: read models, never the entity itself. */
import type { UserEntity } from "./user.entity";

/** A user as they are now, for display and for links (who acts for whom). */
export type UserView = Readonly<UserEntity>;
