import {
  BookOpen,
  Bot,
  BotMessageSquare,
  Building2,
  CircleCheckBig,
  Clock,
  FileText,
  KeyRound,
  ListChecks,
  type LucideIcon,
  Mail,
  MessageSquareText,
  MessagesSquare,
  ScrollText,
  Tag,
  UserRound,
  Users,
  UsersRound,
  Webhook,
} from "lucide-preact";
import type { ComponentType } from "preact";
import type { Me } from "../me";
import { isAdmin } from "../session";

export type Section = {
  /** the path under /settings/ and the catalog key `settings.nav.<id>` */
  id: string;
  group: "personal" | "workspace" | "developers";
  icon: LucideIcon;
  load: () => Promise<{ default: ComponentType }>;
  visible: (me: Me) => boolean;
};

const everyone = () => true;

/** Every settings screen, in menu order; each loads on first visit. */
export const SECTIONS: Section[] = [
  {
    id: "profile",
    group: "personal",
    icon: UserRound,
    load: () => import("./profile"),
    visible: everyone,
  },
  {
    id: "general",
    group: "workspace",
    icon: Building2,
    load: () => import("./general"),
    visible: isAdmin,
  },
  { id: "users", group: "workspace", icon: Users, load: () => import("./users"), visible: isAdmin },
  {
    id: "teams",
    group: "workspace",
    icon: UsersRound,
    load: () => import("./teams"),
    visible: isAdmin,
  },
  {
    id: "business-hours",
    group: "workspace",
    icon: Clock,
    load: () => import("./business-hours"),
    visible: isAdmin,
  },
  {
    id: "channels",
    group: "workspace",
    icon: MessagesSquare,
    load: () => import("./channels"),
    visible: isAdmin,
  },
  { id: "labels", group: "workspace", icon: Tag, load: () => import("./labels"), visible: isAdmin },
  {
    id: "snippets",
    group: "workspace",
    icon: MessageSquareText,
    load: () => import("./snippets"),
    visible: isAdmin,
  },
  {
    id: "message-templates",
    group: "workspace",
    icon: FileText,
    load: () => import("./message-templates"),
    visible: isAdmin,
  },
  {
    id: "knowledge",
    group: "workspace",
    icon: BookOpen,
    load: () => import("./knowledge"),
    visible: everyone,
  },
  {
    id: "contact-fields",
    group: "workspace",
    icon: ListChecks,
    load: () => import("./contact-fields"),
    visible: isAdmin,
  },
  { id: "ai", group: "workspace", icon: Bot, load: () => import("./ai"), visible: isAdmin },
  {
    id: "assistants",
    group: "workspace",
    icon: BotMessageSquare,
    load: () => import("./assistants"),
    visible: isAdmin,
  },
  {
    id: "closing-reasons",
    group: "workspace",
    icon: CircleCheckBig,
    load: () => import("./closing-reasons"),
    visible: isAdmin,
  },
  {
    id: "report-emails",
    group: "workspace",
    icon: Mail,
    load: () => import("./report-emails"),
    visible: isAdmin,
  },
  {
    id: "api-keys",
    group: "developers",
    icon: KeyRound,
    load: () => import("./api-keys"),
    visible: isAdmin,
  },
  {
    id: "webhooks",
    group: "developers",
    icon: Webhook,
    load: () => import("./webhooks"),
    visible: isAdmin,
  },
  {
    id: "audit-log",
    group: "developers",
    icon: ScrollText,
    load: () => import("./audit-log"),
    visible: isAdmin,
  },
];
