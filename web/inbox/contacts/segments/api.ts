import type { components } from "../../../../client/schema";
import { request } from "../../../shared/api";
import type { Me } from "../../me";

type Schemas = components["schemas"];
export type Segment = Schemas["Segment"];
export type SegmentRules = Schemas["SegmentRules"];
export type SegmentRule = Schemas["SegmentRule"];
export type SegmentDraft = Schemas["SegmentCreate"];
export type SegmentPreview = Schemas["SegmentPreviewResult"];
export type Channel = { id: string; name: string; type: string };

const base = "/api/v1/segments";

/** Segments are the workspace's audiences: supervisors and above shape them, everyone reads them. */
export const canEditSegments = (me: Me) =>
  me.role === "owner" || me.role === "admin" || me.role === "supervisor";

export const listSegments = () => request<{ data: Segment[] }>(base).then((answer) => answer.data);

export const getSegment = (id: string) => request<Segment>(`${base}/${id}`);

export const createSegment = (json: SegmentDraft) =>
  request<Segment>(base, { method: "POST", json });

export const saveSegment = (id: string, json: Partial<SegmentDraft>) =>
  request<Segment>(`${base}/${id}`, { method: "PATCH", json });

export const deleteSegment = (id: string) => request<void>(`${base}/${id}`, { method: "DELETE" });

export const previewSegment = (rules: SegmentRules, signal?: AbortSignal) =>
  request<SegmentPreview>(`${base}/preview`, { method: "POST", json: { rules }, signal });

export const listChannels = () =>
  request<{ data: Channel[] }>("/api/v1/channels").then((answer) => answer.data);
