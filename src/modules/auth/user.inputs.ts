import { ArrayMaxSize, ArrayMinSize, IsEmail, IsOptional, Length, MaxLength } from "class-validator";
import { Field, ID, InputType } from "type-graphql";
import { Role } from "../../shared/auth";

@InputType()
export class CreateUserInput {
  @Field()
  @IsEmail({}, { message: "email must be an email address" })
  @MaxLength(254)
  email!: string;

  @Field()
  @Length(1, 120)
  displayName!: string;

  @Field(() => [Role])
  @ArrayMinSize(1)
  @ArrayMaxSize(5)
  roles!: Role[];

  @Field(() => String, { nullable: true, description: "The identity provider's subject; defaults to the email." })
  @IsOptional()
  @Length(1, 255)
  subject?: string | null;

  @Field(() => ID, { nullable: true, description: "Required with the PROVIDER role." })
  providerId?: string | null;

  @Field(() => ID, { nullable: true, description: "Required with the CLIENT role: the client they are, or act for." })
  clientId?: string | null;

  @Field(() => String, { nullable: true, description: "Required with COMMISSIONER; a commissioner's own funding body by default." })
  @IsOptional()
  @MaxLength(9)
  fundingBodyCode?: string | null;
}
