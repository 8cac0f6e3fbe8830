import type { Step } from "../../schemas/automations";

/** The step lists a step holds (a branch's branches and its otherwise, an ask's two outcomes). */
export function childLists(step: Step): Step[][] {
  if (step.type === "branch") return [...step.branches.map((b) => b.steps), step.otherwise];
  if (step.type === "ask") return [step.on_answer, step.on_timeout];
  return [];
}

/** Every step of the tree, depth first, with its path in the request body (`steps.2.branches.0.steps.1`). */
export function* walkSteps(steps: Step[], path = "steps"): Generator<{ step: Step; path: string }> {
  for (const [i, step] of steps.entries()) {
    const here = `${path}.${i}`;
    yield { step, path: here };
    if (step.type === "branch") {
      for (const [b, branch] of step.branches.entries())
        yield* walkSteps(branch.steps, `${here}.branches.${b}.steps`);
      yield* walkSteps(step.otherwise, `${here}.otherwise`);
    }
    if (step.type === "ask") {
      yield* walkSteps(step.on_answer, `${here}.on_answer`);
      yield* walkSteps(step.on_timeout, `${here}.on_timeout`);
    }
  }
}

/** The same tree with an id on every step: the client's where given, a new one otherwise. */
export function withStepIds(steps: Step[], newStepId: () => string): Step[] {
  return steps.map((step) => {
    const id = step.id ?? newStepId();
    if (step.type === "branch")
      return {
        ...step,
        id,
        branches: step.branches.map((b) => ({ ...b, steps: withStepIds(b.steps, newStepId) })),
        otherwise: withStepIds(step.otherwise, newStepId),
      };
    if (step.type === "ask")
      return {
        ...step,
        id,
        on_answer: withStepIds(step.on_answer, newStepId),
        on_timeout: withStepIds(step.on_timeout, newStepId),
      };
    return { ...step, id };
  });
}

type Place = { list: Step[]; index: number; parent: string | null };

/** Where each step sits: its list, its index there and the step holding that list. */
function places(steps: Step[], parent: string | null = null, into = new Map<string, Place>()) {
  for (const [index, step] of steps.entries()) {
    if (step.id) into.set(step.id, { list: steps, index, parent });
    for (const list of childLists(step)) places(list, step.id ?? null, into);
  }
  return into;
}

/** Finds steps by id and says which comes after which, for a run walking one version's tree. */
export class StepTree {
  private readonly where: Map<string, Place>;
  constructor(readonly steps: Step[]) {
    this.where = places(steps);
  }

  get(id: string): Step | undefined {
    const place = this.where.get(id);
    return place?.list[place.index];
  }

  first(): string | null {
    return this.steps[0]?.id ?? null;
  }

  /** The step after `id`: its next sibling, else the one after the step holding its list. */
  after(id: string): string | null {
    const place = this.where.get(id);
    if (!place) return null;
    const next = place.list[place.index + 1];
    if (next?.id) return next.id;
    return place.parent ? this.after(place.parent) : null;
  }

  /** The first step of a list, or whatever comes after its holder when it is empty. */
  enter(list: Step[], holder: string): string | null {
    return list[0]?.id ?? this.after(holder);
  }
}
