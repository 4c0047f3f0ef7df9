// The official DocRouter TypeScript SDK (@docrouter/sdk) against a DocRouter server: the flow a
// script of a user runs. Prints one JSON object with what each step got; exits 1 on an error.
// usage: node flow.cjs BASE_URL ORG_TOKEN ORG_ID PDF_PATH
const fs = require("fs");
const { DocRouterOrg } = require("@docrouter/sdk");

async function main() {
  const [baseURL, orgToken, organizationId, pdf] = process.argv.slice(2);
  const dr = new DocRouterOrg({ baseURL, orgToken, organizationId });
  const out = {};
  const tag = await dr.createTag({ tag: { name: "ts-sdk", color: "#884400" } });
  out.tag = tag;
  const content = fs.readFileSync(pdf).toString("base64");
  const up = await dr.uploadDocuments({
    documents: [{ name: "ts-invoice.pdf", content, tag_ids: [tag.id], metadata: { via: "ts" } }],
  });
  const id = up.documents[0].document_id;
  out.upload = up.documents[0];
  let doc;
  for (let i = 0; i < 240; i++) {
    doc = await dr.getDocument({ documentId: id, fileType: "original" });
    if (["llm_completed", "llm_failed", "ocr_failed"].includes(doc.state)) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  out.state = doc.state;
  out.content_bytes = doc.content.byteLength;
  out.listed = (await dr.listDocuments({ skip: 0, limit: 10, tagIds: tag.id })).documents.map(
    (d) => d.id
  );
  out.text = await dr.getOCRText({ documentId: id });
  out.metadata = await dr.getOCRMetadata({ documentId: id });
  out.run = await dr.runLLM({ documentId: id, promptRevId: "invoice" });
  const got = await dr.getLLMResult({ documentId: id, promptRevId: "invoice" });
  out.result = got;
  const fixed = { ...got.updated_llm_result, total: 999.5 };
  out.updated = await dr.updateLLMResult({
    documentId: id,
    promptId: "invoice",
    result: fixed,
    isVerified: true,
  });
  out.tags = (await dr.listTags({})).tags.map((t) => t.name);
  out.deleted = await dr.deleteDocument({ documentId: id });
  out.after = (await dr.listDocuments({})).total_count;
  console.log(JSON.stringify(out));
}

main().catch((e) => {
  console.error(`ERROR ${e.status || ""} ${e.message}`);
  process.exit(1);
});
