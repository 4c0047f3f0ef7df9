"""English: the words of invoices and receipts in English (``table`` has the notation)."""

from docrouter_desktop.core.processors.languages.table import Language, combine

_NO = ("no", "no.", "number", "#")

TABLE = Language(
    code="en",
    name="English",
    day_first=False,
    guess_words=(
        "invoice", "date", "amount", "total", "the", "and", "for", "please", "payment", "due",
        "bill",
    ),
    # -- dates
    months=(
        ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
        ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
        ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
        ("december", "dec"),
    ),
    ordinal_suffixes=("st", "nd", "rd", "th"),
    month_connectors=("of",),
    year_connectors=(),
    title_date_connectors=("dated", "of", "from"),
    date_words=("date",),
    invoice_date_labels=(
        "invoice date", "date of invoice", "date of issue", "issue date", "date issued",
        "billing date",
    ),
    date_lead_words=(),
    date_link_words=(),
    not_invoice_date_words=(
        "due", "order", "delivery", "ship", "payment", "period", "service", "start", "end",
        "from", "to", "expir", "valid", "print",
    ),
    due_date_labels=("due date", "payment due", "date due", "pay by"),
    receipt_date_labels=("date",),
    receipt_date_abbreviations=("dt",),
    # -- the invoice's title and number
    invoice_words=("invoice",),
    invoice_word_variants=("tax invoice",),
    invoice_titles=("invoice", "tax invoice", "commercial invoice"),
    credit_note_titles=("credit note",),
    credit_note_words=("credit note", "credit memo"),
    credit_note_standalone_words=(),
    heading_words=(
        "tax invoice", "receipt", "page", "original", "copy", "duplicate", "bill", "statement",
        "quote",
    ),
    name_affix_titles=("credit note", "receipt"),
    invoice_mentions=("invoice", "bill"),
    number_labels=(
        *combine(
            ("invoice",), ("no", "no.", "number", "num", "num.", "nr", "nr.", "#", "id", "n°")
        ),
        "invoice :",
        *combine(("inv", "inv."), ("no", "no.", "#", "number", "nr")),
        *combine(("bill",), _NO),
        *combine(("document",), ("no", "no.", "number")),
        *combine(("credit note", "receipt"), _NO),
        *combine(("ref", "reference"), ("", "no", "no.", "number"), (":",)),
    ),
    number_abbreviations=("no", "no.", "#"),
    number_words=_NO,
    number_label_fillers=(*_NO, "date"),
    # -- totals and tax of an invoice
    balance_left_labels=('balance due', 'amount outstanding', 'balance to pay', 'remaining balance', 'left to pay', 'still due', 'balance outstanding', 'amount due'),
    prepayment_labels=('prepayment', 'prepaid', 'deposit', 'deposit paid', 'already paid', 'advance payment', 'amount paid', 'payment received', 'less paid', 'less deposit'),
    amount_due_labels=(
        "grand total", "total amount due", "amount due", "balance due", "total due",
        "amount payable",
    ),
    gross_total_labels=(),
    total_including_labels=("total incl", "total (incl", "total inc.", "total (inc."),
    including_reach=20,
    total_labels=(
        "invoice total", "total invoice", "total eur", "total usd", "total amount", "total",
    ),
    not_total_labels=(
        "sub - total", "total excl", "total ex.", "total net", "net total", "total tax",
        "total vat", "total gst", "total qty", "total quantity", "total items", "total pages",
        "total weight", "total hours", "tax total", "discount", "prepaid",
    ),
    subtotal_labels=(
        "sub - total",
        *combine(("total excl", "total excl.", "total ex", "total ex."), ("", "vat", "tax", "gst")),
        "net total", "net amount", "net value", "total net",
    ),
    subtotal_prefixes=("sub -",),
    tax_label_prefixes=("total",),
    tax_label_names=("vat", "tax", "sales tax", "gst", "igst", "cgst", "sgst"),
    tax_label_suffixes=("amount", "total"),
    tax_amount_labels=("tax amount",),
    tax_registration_labels=(
        *combine(("tax",), ("id", "no", "number", "code", "reg")),
        *combine(("vat",), ("id", "no", "number", "reg")),
    ),
    tax_marks=("vat", "tax", "gst"),
    total_marks=("total",),
    # -- the seller and the buyer
    buyer_headings=(
        "bill to", "billed to", "ship to", "shipped to", "sold to", "deliver to", "customer",
        "client", "recipient",
    ),
    seller_headings=("seller", "supplier", "vendor"),
    seller_phrases=(
        "sold by", "account holder", "account name", "beneficiary", "payable to",
        "payment received by",
    ),
    legal_notice_words=("registered", "is registered"),
    not_name_words=("tel", "fax", "phone", "iban", "bic", "vat", "page"),
    address_stop_words=("tel", "fax", "phone", "www", "iban", "vat", "invoice"),
    vat_id_labels=(
        "vat", "vat - id", "vat - id no", "vat no", "vat no.", "vat number", "vat #", "vat reg",
        "vat reg.", "vat reg no", "vat reg. no", "vat registration", "vat registration no",
        "vat registration number", "vat identification number", "eu vat", "eu vat no",
        "eu vat number", "vat id number",
        # Norway's, as invoices in English print them.
        "mva", "org. nr", "org. no", "org nr", "org no",
    ),
    vat_id_buyer_words=(
        "your", "customer", "customer's", "client", "client's", "buyer", "buyer's", "purchaser",
        "recipient",
    ),
    # -- line items
    column_description=("description", "item", "items", "product", "article", "service", "details"),
    column_quantity=("qty", "quantity", "units", "hours"),
    column_unit_price=("price", "rate", "unit"),
    column_amount=("amount", "total", "net"),
    line_items_end=("sub total", "sub -total", "net total", "vat", "tax"),
    # -- routing
    cue_invoice_labels=("invoice no", "invoice number", "invoice #", "invoice date"),
    cue_customer=(
        "bill to", "billed to", "ship to", "customer no", "customer number", "customer id",
        "client", "guest - name", "customer - name",
    ),
    cue_payment_terms=("due date", "payment terms"),
    cue_registration=("vat no", "vat number", "vat id", "vat reg"),
    cue_bank=("iban", "bic", "swift", "bank details"),
    cue_subtotal=("sub total", "sub -total", "total excl"),
    cue_booking=(
        *combine(
            ("booking", "reservation", "order", "contract", "account"), ("id", "no", "number", "nr")
        ),
        "check - in",
    ),
    cue_cash=("cash",),
    cue_change=("change", "tendered"),  # not "tender" on its own
    cue_rounding=("rounding",),
    cue_cashier=("cashier", "counter", "pos no", "pos id", "terminal"),
    cue_thanks=("thank you", "please come again"),
    cue_receipt_title=("receipt",),
    cue_receipt_title_stems=(),
    cue_item_counts=("qty", "qtys", "item", "items"),
    cue_sales_tax=("gst",),
    # -- receipts
    tax_acronyms=("gst", "vat"),
    tax_words=("tax",),
    till_tax_labels=("gst", "vat", "tax"),
    till_tax_id_labels=combine(("gst", "tax", "vat"), ("id", "reg", "no", "number", "#")),
    till_tax_reference_labels=("gst ref", "tax ref", "vat ref"),
    till_not_tax_words=("reg", "id"),
    till_not_tax_labels=("supplies", "total sales"),
    till_tax_suffixes=("amount", "payable"),
    tax_summary_titles=("summary",),
    tax_summary_headers=(
        *combine(("amount",), ("rm", "(rm", "rm)", "(rm)"), ("tax",)), "tax rm", "tax (rm",
    ),
    receipt_total_labels=(
        "grand total", "total amount", "amount due", "total due", "net total", "nett total",
        "total sales",
        *combine(("round", "rounded", "rounding"), ("total",)),
        *combine(("total",), ("", "amt"), ("round", "rounded", "rounding")),
        "total payable", "amount payable", "total to pay", "total eat", "total (eat",
    ),
    receipt_plain_total_labels=("total", "amount", "tl"),
    receipt_not_total_labels=(
        "sub - total", "total item", "total ex", "total before", "total tax", "total disc",
        "excl", "before gst", "before disc", "no of item", "change", "cash", "tender", "paid",
        "rounding adj", "qty", "quantity", "saving", "discount", "supply", "supplies",
        "zero rated", "standard rated",
    ),
    receipt_not_total_words=("item", "items"),
    receipt_subtotal_labels=("sub - total",),
    paid_labels=(
        "cash", "tender", "tendered", "paid", "payment", "card", "visa", "master", "mastercard",
        "credit", "debit", "received",
    ),
    change_labels=("change", "balance"),
    rounding_words=("round", "rounded", "rounding"),
    rounding_adjustment_labels=combine(("round", "rounding"), ("adj", "adjustment")),
    shop_header_stops=(
        "tel", "fax", "phone", "mobile", "whatsapp", "whatsapps", "h/p", "hp", "gst", "tax",
        "reg", "receipt", "invoice", "cashier", "date", "time", "table", "doc", "bill", "www",
        "email", "e-mail", "formerly", "licensee",
    ),
    shop_name_skip=("receipt", "invoice", "welcome", "copy", "tax"),
    shop_words=(
        "enterprise", "trading", "restaurant", "mart", "store", "shop", "market", "supermarket",
        "pharmacy", "bakeries", "bakery", "cafe",
    ),
    business_words=(
        "restaurant", "bakery", "bakeries", "hardware", "electrical", "stationery", "trading",
        "enterprise", "enterprises", "marketing", "international", "supermarket",
        "minimarket", "pharmacy", "service", "services", "station", "bookstore", "furniture",
        "market", "distributor", "industries", "holdings", "corporation", "company",
        "printing", "electronics", "boutique", "bistro", "kitchen", "catering", "motors",
        "engineering", "supplies", "supply", "trader", "traders", "store", "stores", "mart",
    ),
    street_words=(
        "road", "rd", "street", "st", "avenue", "ave", "floor", "flr", "level", "building",
        "plaza",
    ),
    country_names=(
        "malaysia", "singapore", "indonesia", "thailand", "germany", "france", "netherlands",
        "united kingdom", "india",
    ),
    # -- payment details
    payment_reference_labels=(
        "reference", "ref", "ref.", "payment reference", "reference number", "creditor reference",
    ),
    remittance_labels=("payment reference", "reference for payment", "remittance information"),
    payee_labels=(
        "account holder", "account name", "beneficiary", "beneficiary name", "payee",
        "payable to", "in favour of", "in favor of", "account / payable to",
    ),
)  # fmt: skip
