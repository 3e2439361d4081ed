/** Every migration, oldest first. A new migration file is added here in the same commit. */
import { Foundation1795531047651 } from "./1795531047651-Foundation";

export const migrations = [Foundation1795531047651];
