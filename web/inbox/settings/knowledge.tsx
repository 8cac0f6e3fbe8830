import { BookOpen, Plus, RefreshCw, Search, Trash2 } from "lucide-preact";
import { useEffect, useState } from "preact/hooks";
import type { components } from "../../../client/schema";
import { request } from "../../shared/api";
import {
  Badge,
  Button,
  DataTable,
  deleteAfterConfirm,
  EmptyState,
  formatNumber,
  formatRelative,
  IconButton,
  ListState,
  PageHeader,
  problemMessage,
  TextInput,
  type Tone,
  t,
  toast,
  useList,
} from "../../shared/ui";
import { useDebounced } from "../../shared/use-debounced";
import { isAdmin, useSession } from "../session";
import { AddSourceDialog, type Source } from "./knowledge-dialog";
import "./config.css";
import "./knowledge.css";

type Hit = components["schemas"]["KnowledgeHit"];

const STATUS_TONES: Record<Source["status"], Tone> = {
  pending: "warning",
  ready: "success",
  failed: "danger",
};

function SourceTitle({ source }: { source: Source }) {
  const detail = source.url ?? source.file_name;
  return (
    <span class="knowledge-title">
      <span dir="auto">{source.title}</span>
      {detail && (
        <span class="muted small clamp" dir="ltr">
          {detail}
        </span>
      )}
    </span>
  );
}

/** Whether the source's passages are found by meaning (embedded) or by their words only. */
function EmbeddingStatus({ source }: { source: Source }) {
  const { chunk_count: count, embedded_count: embedded } = source;
  if (source.status === "failed" || count === 0) return null;
  const how =
    embedded >= count
      ? t("knowledge.embedding.all")
      : embedded === 0
        ? t("knowledge.embedding.none")
        : t("knowledge.embedding.some", {
            embedded: formatNumber(embedded),
            count: formatNumber(count),
          });
  return (
    <span class="muted small" dir="auto">
      {how}
      {embedded < count && source.embedding_error && ` · ${source.embedding_error}`}
    </span>
  );
}

function SourceStatus({ source }: { source: Source }) {
  return (
    <span class="knowledge-status">
      <Badge tone={STATUS_TONES[source.status]} dot>
        {t(`knowledge.status.${source.status}`)}
      </Badge>
      {source.status === "failed" && source.error && (
        <span class="muted small" dir="auto">
          {source.error}
        </span>
      )}
      <EmbeddingStatus source={source} />
    </span>
  );
}

const MATCH_TONES: Record<Hit["match"], Tone> = {
  keyword: "neutral",
  semantic: "primary",
  both: "success",
};

/** A search box over the knowledge base, showing the chunks the assistant would read. */
function KnowledgeSearch() {
  const [query, setQuery] = useState("");
  const settled = useDebounced(query.trim());
  const [hits, setHits] = useState<Hit[] | null>(null);
  useEffect(() => {
    if (!settled) return setHits(null);
    let current = true;
    request<{ data: Hit[] }>(`/api/v1/knowledge/search?q=${encodeURIComponent(settled)}&limit=5`)
      .then((answer) => current && setHits(answer.data))
      .catch((error) => toast.error(problemMessage(error)));
    return () => {
      current = false;
    };
  }, [settled]);
  return (
    <search class="card knowledge-search" aria-label={t("knowledge.searchLabel")}>
      <span class="search-input">
        <Search size={16} aria-hidden="true" />
        <TextInput
          type="search"
          aria-label={t("knowledge.searchLabel")}
          placeholder={t("knowledge.searchPlaceholder")}
          value={query}
          onInput={(e) => setQuery(e.currentTarget.value)}
        />
      </span>
      {hits && hits.length === 0 && <p class="muted">{t("knowledge.noHits")}</p>}
      {hits && hits.length > 0 && (
        <ol class="knowledge-hits" aria-label={t("knowledge.hits")}>
          {hits.map((hit) => (
            <li key={hit.chunk_id}>
              <p class="knowledge-hit-source">
                {hit.source.url ? (
                  <a href={hit.source.url} target="_blank" rel="noopener noreferrer" dir="auto">
                    {hit.source.title}
                  </a>
                ) : (
                  <strong dir="auto">{hit.source.title}</strong>
                )}
                {hit.heading && (
                  <span class="muted" dir="auto">
                    {" "}
                    · {hit.heading}
                  </span>
                )}{" "}
                <Badge
                  tone={MATCH_TONES[hit.match]}
                  title={t("knowledge.matchLabel", { how: t(`knowledge.match.${hit.match}`) })}
                >
                  {t(`knowledge.match.${hit.match}`)}
                </Badge>
              </p>
              <p class="clamp knowledge-hit-text" dir="auto">
                {hit.text}
              </p>
            </li>
          ))}
        </ol>
      )}
    </search>
  );
}

/** Knowledge: what the assistant answers from, each source with its indexing status. */
export default function KnowledgeScreen() {
  const { me } = useSession();
  const admin = isAdmin(me);
  const { items, error, reload, put, drop, setItems } = useList<Source>(
    "/api/v1/knowledge/sources",
  );
  const [adding, setAdding] = useState(false);
  const added = (source: Source) => {
    setItems((list) => [source, ...list.filter((s) => s.id !== source.id)]);
    setAdding(false);
  };
  const recrawl = async (source: Source) => {
    try {
      const crawled = await request<Source>(`/api/v1/knowledge/sources/${source.id}/recrawl`, {
        method: "POST",
      });
      put(crawled);
      if (crawled.status === "failed")
        toast.error(t("knowledge.crawlFailed", { error: crawled.error ?? "" }));
      else toast.success(t("knowledge.recrawled", { title: crawled.title }));
    } catch (failure) {
      toast.error(problemMessage(failure));
    }
  };
  const remove = async (source: Source) => {
    const gone = await deleteAfterConfirm({
      url: `/api/v1/knowledge/sources/${source.id}`,
      title: t("knowledge.deleteTitle", { title: source.title }),
      body: t("knowledge.deleteBody"),
      done: t("knowledge.deleted", { title: source.title }),
    });
    if (gone) drop(source.id);
  };
  const addButton = admin && (
    <Button variant="primary" icon={<Plus size={16} />} onClick={() => setAdding(true)}>
      {t("knowledge.add")}
    </Button>
  );
  return (
    <div class="page">
      <PageHeader
        title={t("knowledge.title")}
        description={t("knowledge.intro")}
        actions={addButton}
      />
      <KnowledgeSearch />
      <ListState
        data={items}
        error={error}
        onRetry={reload}
        empty={
          <EmptyState
            icon={<BookOpen size={22} />}
            title={t("knowledge.empty")}
            action={addButton || undefined}
          >
            {t("knowledge.emptyHint")}
          </EmptyState>
        }
      >
        {(rows) => (
          <DataTable
            label={t("knowledge.title")}
            rows={rows}
            rowKey={(s) => s.id}
            columns={[
              {
                key: "title",
                header: t("knowledge.titleField"),
                render: (s) => <SourceTitle source={s} />,
                sortBy: (s) => s.title.toLowerCase(),
              },
              {
                key: "kind",
                header: t("knowledge.kind"),
                render: (s) => <Badge>{t(`knowledge.kinds.${s.kind}`)}</Badge>,
                sortBy: (s) => s.kind,
              },
              {
                key: "status",
                header: t("knowledge.statusHeader"),
                render: (s) => <SourceStatus source={s} />,
                sortBy: (s) => s.status,
              },
              {
                key: "chunks",
                header: t("knowledge.chunks"),
                render: (s) => formatNumber(s.chunk_count),
                sortBy: (s) => s.chunk_count,
              },
              {
                key: "updated",
                header: t("knowledge.updated"),
                render: (s) => formatRelative(s.crawled_at ?? s.updated_at),
                sortBy: (s) => s.crawled_at ?? s.updated_at,
              },
              ...(admin
                ? [
                    {
                      key: "actions",
                      header: <span class="sr-only">{t("common.actions")}</span>,
                      class: "row-end",
                      render: (s: Source) => (
                        <>
                          {s.kind === "url" && (
                            <IconButton
                              label={t("knowledge.recrawlNamed", { title: s.title })}
                              icon={<RefreshCw size={16} />}
                              onClick={() => recrawl(s)}
                            />
                          )}
                          <IconButton
                            label={t("knowledge.deleteNamed", { title: s.title })}
                            icon={<Trash2 size={16} />}
                            onClick={() => remove(s)}
                          />
                        </>
                      ),
                    },
                  ]
                : []),
            ]}
          />
        )}
      </ListState>
      <AddSourceDialog open={adding} onClose={() => setAdding(false)} onSaved={added} />
    </div>
  );
}
