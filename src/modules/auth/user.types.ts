import { Field, ObjectType } from "type-graphql";
import { Role } from "../../shared/auth";
import { payloadType } from "../../shared/errors";
import { Node } from "../../shared/ids";

@ObjectType({ implements: Node, simpleResolvers: true, description: "A person who signs in, with the roles they act in." })
export class User extends Node {
  @Field()
  email!: string;

  @Field()
  displayName!: string;

  @Field(() => [Role])
  roles!: Role[];

  @Field({ description: "The `sub` claim of this user's tokens." })
  subject!: string;

  @Field()
  createdAt!: Date;
}

export const CreateUserPayload = payloadType("CreateUserPayload", "user", User);
