import { ArrayMaxSize, ArrayMinSize, Length, MaxLength } from "class-validator";
import { ArgsType, Field, ID, InputType } from "type-graphql";
import { PageArgs } from "../../shared/pagination";
import { LocalDate } from "../../shared/time";
import { EventType } from "./event.enums";

@InputType()
export class CreateWebhookInput {
  @Field({ description: "Where to POST events: https (http outside production); never a loopback, private or link-local address." })
  @Length(1, 2000)
  url!: string;

  @Field(() => [EventType], { description: "The event types to receive." })
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  events!: EventType[];
}

@InputType()
export class DeleteWebhookInput {
  @Field(() => ID)
  webhookId!: string;
}

@ArgsType()
export class WebhookDeliveriesArgs extends PageArgs {
  @Field(() => ID)
  webhookId!: string;
}

@ArgsType()
export class PriceAlertsArgs extends PageArgs {
  @Field()
  @MaxLength(9)
  fundingBodyCode!: string;

  @Field(() => LocalDate, { description: "The first London day, inclusive." })
  from!: string;

  @Field(() => LocalDate, { description: "The last London day, inclusive." })
  to!: string;
}
