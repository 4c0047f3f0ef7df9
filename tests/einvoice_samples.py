"""Small e-invoice XML files written by hand after the standards, and the values each says.

UBL 2.1 (an XRechnung invoice, a Peppol BIS Billing 3.0 credit note, a Peppol invoice with
several lines, a price per base quantity, a returned item, a charge and a second tax total in
the tax currency) and UN/CEFACT CII D16B (an XRechnung invoice with two VAT rates, a Factur-X
EN 16931 credit note with its tax total given in two currencies), with the elements in the
order their schemas give. ``EXPECTED`` holds, for each, the values its XML states.
"""

from __future__ import annotations

UBL_NS = (
    'xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2" '
    'xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"'
)
CII_NS = (
    'xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100" '
    'xmlns:qdt="urn:un:unece:uncefact:data:standard:QualifiedDataType:100" '
    'xmlns:ram="urn:un:unece:uncefact:data:standard:'
    'ReusableAggregateBusinessInformationEntity:100" '
    'xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"'
)

UBL_XRECHNUNG = f"""<?xml version="1.0" encoding="UTF-8"?>
<ubl:Invoice xmlns:ubl="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2" {UBL_NS}>
  <cbc:CustomizationID>urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0</cbc:CustomizationID>
  <cbc:ProfileID>urn:fdc:peppol.eu:2017:poacc:billing:01:1.0</cbc:ProfileID>
  <cbc:ID>RE-2024-0815</cbc:ID>
  <cbc:IssueDate>2024-03-15</cbc:IssueDate>
  <cbc:DueDate>2024-04-14</cbc:DueDate>
  <cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>
  <cbc:Note>Lieferung gemäß Auftrag 4711.</cbc:Note>
  <cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>
  <cbc:BuyerReference>04011000-12345-03</cbc:BuyerReference>
  <cac:AccountingSupplierParty>
    <cac:Party>
      <cbc:EndpointID schemeID="EM">rechnung@lieferant.example</cbc:EndpointID>
      <cac:PartyName><cbc:Name>Bürobedarf Lieferant</cbc:Name></cac:PartyName>
      <cac:PostalAddress>
        <cbc:StreetName>Lieferantenstraße 20</cbc:StreetName>
        <cbc:AdditionalStreetName>Gebäude B</cbc:AdditionalStreetName>
        <cbc:CityName>München</cbc:CityName>
        <cbc:PostalZone>80333</cbc:PostalZone>
        <cac:Country><cbc:IdentificationCode>DE</cbc:IdentificationCode></cac:Country>
      </cac:PostalAddress>
      <cac:PartyTaxScheme>
        <cbc:CompanyID>201/113/40209</cbc:CompanyID>
        <cac:TaxScheme><cbc:ID>FC</cbc:ID></cac:TaxScheme>
      </cac:PartyTaxScheme>
      <cac:PartyTaxScheme>
        <cbc:CompanyID>DE123456789</cbc:CompanyID>
        <cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme>
      </cac:PartyTaxScheme>
      <cac:PartyLegalEntity><cbc:RegistrationName>Lieferant GmbH</cbc:RegistrationName></cac:PartyLegalEntity>
      <cac:Contact>
        <cbc:Name>Max Mustermann</cbc:Name>
        <cbc:Telephone>+49 89 123456</cbc:Telephone>
        <cbc:ElectronicMail>max@lieferant.example</cbc:ElectronicMail>
      </cac:Contact>
    </cac:Party>
  </cac:AccountingSupplierParty>
  <cac:AccountingCustomerParty>
    <cac:Party>
      <cbc:EndpointID schemeID="EM">einkauf@kunde.example</cbc:EndpointID>
      <cac:PostalAddress>
        <cbc:StreetName>Kundenstraße 15</cbc:StreetName>
        <cbc:CityName>Frankfurt</cbc:CityName>
        <cbc:PostalZone>69876</cbc:PostalZone>
        <cac:Country><cbc:IdentificationCode>DE</cbc:IdentificationCode></cac:Country>
      </cac:PostalAddress>
      <cac:PartyTaxScheme>
        <cbc:CompanyID>DE 987 654 321</cbc:CompanyID>
        <cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme>
      </cac:PartyTaxScheme>
      <cac:PartyLegalEntity><cbc:RegistrationName>Kunden AG Mitte</cbc:RegistrationName></cac:PartyLegalEntity>
    </cac:Party>
  </cac:AccountingCustomerParty>
  <cac:PaymentMeans>
    <cbc:PaymentMeansCode>58</cbc:PaymentMeansCode>
    <cbc:PaymentID>RF18 5390 0754 7034</cbc:PaymentID>
    <cac:PayeeFinancialAccount>
      <cbc:ID>DE02 1203 0000 0000 2020 51</cbc:ID>
      <cbc:Name>Lieferant GmbH</cbc:Name>
      <cac:FinancialInstitutionBranch><cbc:ID>BYLADEM1001</cbc:ID></cac:FinancialInstitutionBranch>
    </cac:PayeeFinancialAccount>
  </cac:PaymentMeans>
  <cac:PaymentTerms><cbc:Note>Zahlbar innerhalb von 30 Tagen ohne Abzug.</cbc:Note></cac:PaymentTerms>
  <cac:TaxTotal>
    <cbc:TaxAmount currencyID="EUR">38.00</cbc:TaxAmount>
    <cac:TaxSubtotal>
      <cbc:TaxableAmount currencyID="EUR">200.00</cbc:TaxableAmount>
      <cbc:TaxAmount currencyID="EUR">38.00</cbc:TaxAmount>
      <cac:TaxCategory>
        <cbc:ID>S</cbc:ID>
        <cbc:Percent>19</cbc:Percent>
        <cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme>
      </cac:TaxCategory>
    </cac:TaxSubtotal>
  </cac:TaxTotal>
  <cac:LegalMonetaryTotal>
    <cbc:LineExtensionAmount currencyID="EUR">200.00</cbc:LineExtensionAmount>
    <cbc:TaxExclusiveAmount currencyID="EUR">200.00</cbc:TaxExclusiveAmount>
    <cbc:TaxInclusiveAmount currencyID="EUR">238.00</cbc:TaxInclusiveAmount>
    <cbc:PrepaidAmount currencyID="EUR">50.00</cbc:PrepaidAmount>
    <cbc:PayableAmount currencyID="EUR">188.00</cbc:PayableAmount>
  </cac:LegalMonetaryTotal>
  <cac:InvoiceLine>
    <cbc:ID>1</cbc:ID>
    <cbc:InvoicedQuantity unitCode="XPK">40</cbc:InvoicedQuantity>
    <cbc:LineExtensionAmount currencyID="EUR">150.00</cbc:LineExtensionAmount>
    <cac:Item>
      <cbc:Name>Kopierpapier A4, 500 Blatt</cbc:Name>
      <cac:ClassifiedTaxCategory>
        <cbc:ID>S</cbc:ID><cbc:Percent>19</cbc:Percent>
        <cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme>
      </cac:ClassifiedTaxCategory>
    </cac:Item>
    <cac:Price>
      <cbc:PriceAmount currencyID="EUR">37.50</cbc:PriceAmount>
      <cbc:BaseQuantity unitCode="XPK">10</cbc:BaseQuantity>
    </cac:Price>
  </cac:InvoiceLine>
  <cac:InvoiceLine>
    <cbc:ID>2</cbc:ID>
    <cbc:InvoicedQuantity unitCode="H87">1</cbc:InvoicedQuantity>
    <cbc:LineExtensionAmount currencyID="EUR">50.00</cbc:LineExtensionAmount>
    <cac:Item>
      <cbc:Name>Toner schwarz</cbc:Name>
      <cac:ClassifiedTaxCategory>
        <cbc:ID>S</cbc:ID><cbc:Percent>19</cbc:Percent>
        <cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme>
      </cac:ClassifiedTaxCategory>
    </cac:Item>
    <cac:Price><cbc:PriceAmount currencyID="EUR">50.00</cbc:PriceAmount></cac:Price>
  </cac:InvoiceLine>
</ubl:Invoice>
"""

UBL_CREDIT_NOTE = f"""<?xml version="1.0" encoding="UTF-8"?>
<CreditNote xmlns="urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2" {UBL_NS}>
  <cbc:CustomizationID>urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0</cbc:CustomizationID>
  <cbc:ProfileID>urn:fdc:peppol.eu:2017:poacc:billing:01:1.0</cbc:ProfileID>
  <cbc:ID>CN-2024-017</cbc:ID>
  <cbc:IssueDate>2024-05-02</cbc:IssueDate>
  <cbc:CreditNoteTypeCode>381</cbc:CreditNoteTypeCode>
  <cbc:DocumentCurrencyCode>NOK</cbc:DocumentCurrencyCode>
  <cbc:BuyerReference>PO-5531</cbc:BuyerReference>
  <cac:BillingReference>
    <cac:InvoiceDocumentReference><cbc:ID>INV-2024-101</cbc:ID></cac:InvoiceDocumentReference>
  </cac:BillingReference>
  <cac:AccountingSupplierParty>
    <cac:Party>
      <cbc:EndpointID schemeID="0192">999888777</cbc:EndpointID>
      <cac:PartyName><cbc:Name>Nordlys Kontor</cbc:Name></cac:PartyName>
      <cac:PostalAddress>
        <cbc:StreetName>Storgata 1</cbc:StreetName>
        <cbc:CityName>Oslo</cbc:CityName>
        <cbc:PostalZone>0155</cbc:PostalZone>
        <cac:Country><cbc:IdentificationCode>NO</cbc:IdentificationCode></cac:Country>
      </cac:PostalAddress>
      <cac:PartyTaxScheme>
        <cbc:CompanyID>NO999888777MVA</cbc:CompanyID>
        <cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme>
      </cac:PartyTaxScheme>
      <cac:PartyLegalEntity>
        <cbc:RegistrationName>Nordlys Kontor AS</cbc:RegistrationName>
        <cbc:CompanyID schemeID="0192">999888777</cbc:CompanyID>
      </cac:PartyLegalEntity>
    </cac:Party>
  </cac:AccountingSupplierParty>
  <cac:AccountingCustomerParty>
    <cac:Party>
      <cbc:EndpointID schemeID="0192">111222333</cbc:EndpointID>
      <cac:PostalAddress>
        <cbc:StreetName>Kirkegata 9</cbc:StreetName>
        <cbc:CityName>Bergen</cbc:CityName>
        <cbc:PostalZone>5003</cbc:PostalZone>
        <cac:Country><cbc:IdentificationCode>NO</cbc:IdentificationCode></cac:Country>
      </cac:PostalAddress>
      <cac:PartyLegalEntity><cbc:RegistrationName>Fjord Kunde AS</cbc:RegistrationName></cac:PartyLegalEntity>
    </cac:Party>
  </cac:AccountingCustomerParty>
  <cac:PayeeParty>
    <cac:PartyName><cbc:Name>Nordlys Factoring AS</cbc:Name></cac:PartyName>
  </cac:PayeeParty>
  <cac:PaymentMeans>
    <cbc:PaymentMeansCode>30</cbc:PaymentMeansCode>
    <cbc:PaymentDueDate>2024-05-16</cbc:PaymentDueDate>
    <cbc:PaymentID>CN-2024-017</cbc:PaymentID>
    <cac:PayeeFinancialAccount>
      <cbc:ID>NO9386011117947</cbc:ID>
      <cac:FinancialInstitutionBranch><cbc:ID>DNBANOKK</cbc:ID></cac:FinancialInstitutionBranch>
    </cac:PayeeFinancialAccount>
  </cac:PaymentMeans>
  <cac:TaxTotal>
    <cbc:TaxAmount currencyID="NOK">25.00</cbc:TaxAmount>
    <cac:TaxSubtotal>
      <cbc:TaxableAmount currencyID="NOK">100.00</cbc:TaxableAmount>
      <cbc:TaxAmount currencyID="NOK">25.00</cbc:TaxAmount>
      <cac:TaxCategory>
        <cbc:ID>S</cbc:ID><cbc:Percent>25</cbc:Percent>
        <cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme>
      </cac:TaxCategory>
    </cac:TaxSubtotal>
  </cac:TaxTotal>
  <cac:LegalMonetaryTotal>
    <cbc:LineExtensionAmount currencyID="NOK">100.00</cbc:LineExtensionAmount>
    <cbc:TaxExclusiveAmount currencyID="NOK">100.00</cbc:TaxExclusiveAmount>
    <cbc:TaxInclusiveAmount currencyID="NOK">125.00</cbc:TaxInclusiveAmount>
    <cbc:PayableAmount currencyID="NOK">125.00</cbc:PayableAmount>
  </cac:LegalMonetaryTotal>
  <cac:CreditNoteLine>
    <cbc:ID>1</cbc:ID>
    <cbc:CreditedQuantity unitCode="EA">2</cbc:CreditedQuantity>
    <cbc:LineExtensionAmount currencyID="NOK">100.00</cbc:LineExtensionAmount>
    <cac:Item>
      <cbc:Name>Returned office chair</cbc:Name>
      <cac:ClassifiedTaxCategory>
        <cbc:ID>S</cbc:ID><cbc:Percent>25</cbc:Percent>
        <cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme>
      </cac:ClassifiedTaxCategory>
    </cac:Item>
    <cac:Price><cbc:PriceAmount currencyID="NOK">50.00</cbc:PriceAmount></cac:Price>
  </cac:CreditNoteLine>
</CreditNote>
"""


def _peppol_line(number, quantity, unit, amount, name, price, base=None):
    base_quantity = f'<cbc:BaseQuantity unitCode="{unit}">{base}</cbc:BaseQuantity>' if base else ""
    return f"""
  <cac:InvoiceLine>
    <cbc:ID>{number}</cbc:ID>
    <cbc:InvoicedQuantity unitCode="{unit}">{quantity}</cbc:InvoicedQuantity>
    <cbc:LineExtensionAmount currencyID="EUR">{amount}</cbc:LineExtensionAmount>
    <cac:Item>
      <cbc:Name>{name}</cbc:Name>
      <cac:SellersItemIdentification><cbc:ID>ART-{number}</cbc:ID></cac:SellersItemIdentification>
      <cac:ClassifiedTaxCategory>
        <cbc:ID>S</cbc:ID><cbc:Percent>25</cbc:Percent>
        <cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme>
      </cac:ClassifiedTaxCategory>
    </cac:Item>
    <cac:Price><cbc:PriceAmount currencyID="EUR">{price}</cbc:PriceAmount>{base_quantity}</cac:Price>
  </cac:InvoiceLine>"""


PEPPOL_LINES = "".join(
    (
        _peppol_line(1, "10", "HUR", "1200.00", "Consulting services", "120.00"),
        _peppol_line(2, "3", "H87", "136.50", "Laptop bag", "45.50"),
        _peppol_line(3, "500", "C62", "45.00", "Screws &amp; washers, box", "9.00", base="100"),
        _peppol_line(4, "-2", "H87", "-14.50", "Returned cable", "7.25"),
    )
)

PEPPOL_INVOICE = f"""<?xml version="1.0" encoding="UTF-8"?>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2" {UBL_NS}>
  <cbc:CustomizationID>urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0</cbc:CustomizationID>
  <cbc:ProfileID>urn:fdc:peppol.eu:2017:poacc:billing:01:1.0</cbc:ProfileID>
  <cbc:ID>SE-2024-0099</cbc:ID>
  <cbc:IssueDate>2024-07-01</cbc:IssueDate>
  <cbc:DueDate>2024-07-31</cbc:DueDate>
  <cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>
  <cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>
  <cbc:TaxCurrencyCode>SEK</cbc:TaxCurrencyCode>
  <cbc:BuyerReference>REF-77</cbc:BuyerReference>
  <cac:AccountingSupplierParty>
    <cac:Party>
      <cbc:EndpointID schemeID="0007">5567788990</cbc:EndpointID>
      <cac:PartyName><cbc:Name>Svensk Leverantör</cbc:Name></cac:PartyName>
      <cac:PostalAddress>
        <cbc:StreetName>Drottninggatan 5</cbc:StreetName>
        <cbc:AdditionalStreetName>Box 123</cbc:AdditionalStreetName>
        <cbc:CityName>Stockholm</cbc:CityName>
        <cbc:PostalZone>111 51</cbc:PostalZone>
        <cac:AddressLine><cbc:Line>Plan 3</cbc:Line></cac:AddressLine>
        <cac:Country><cbc:IdentificationCode>SE</cbc:IdentificationCode></cac:Country>
      </cac:PostalAddress>
      <cac:PartyTaxScheme>
        <cbc:CompanyID>SE556778899001</cbc:CompanyID>
        <cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme>
      </cac:PartyTaxScheme>
      <cac:PartyLegalEntity>
        <cbc:RegistrationName>Svensk Leverantör AB</cbc:RegistrationName>
        <cbc:CompanyID>5567788990</cbc:CompanyID>
      </cac:PartyLegalEntity>
    </cac:Party>
  </cac:AccountingSupplierParty>
  <cac:AccountingCustomerParty>
    <cac:Party>
      <cbc:EndpointID schemeID="0184">DK12345678</cbc:EndpointID>
      <cac:PartyName><cbc:Name>Dansk Køber</cbc:Name></cac:PartyName>
      <cac:PostalAddress>
        <cbc:StreetName>Strøget 10</cbc:StreetName>
        <cbc:CityName>København</cbc:CityName>
        <cbc:PostalZone>1160</cbc:PostalZone>
        <cac:Country><cbc:IdentificationCode>DK</cbc:IdentificationCode></cac:Country>
      </cac:PostalAddress>
      <cac:PartyTaxScheme>
        <cbc:CompanyID>DK12345678</cbc:CompanyID>
        <cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme>
      </cac:PartyTaxScheme>
      <cac:PartyLegalEntity><cbc:RegistrationName>Dansk Køber ApS</cbc:RegistrationName></cac:PartyLegalEntity>
    </cac:Party>
  </cac:AccountingCustomerParty>
  <cac:PaymentMeans>
    <cbc:PaymentMeansCode>48</cbc:PaymentMeansCode>
    <cac:CardAccount>
      <cbc:PrimaryAccountNumberID>123456XXXXXX1234</cbc:PrimaryAccountNumberID>
      <cbc:NetworkID>VISA</cbc:NetworkID>
    </cac:CardAccount>
  </cac:PaymentMeans>
  <cac:PaymentMeans>
    <cbc:PaymentMeansCode>30</cbc:PaymentMeansCode>
    <cbc:PaymentID>1234 5678 90</cbc:PaymentID>
    <cac:PayeeFinancialAccount>
      <cbc:ID>se45 5000 0000 0583 9825 7466</cbc:ID>
      <cac:FinancialInstitutionBranch><cbc:ID>ESSESESS</cbc:ID></cac:FinancialInstitutionBranch>
    </cac:PayeeFinancialAccount>
  </cac:PaymentMeans>
  <cac:PaymentTerms><cbc:Note>30 days net</cbc:Note></cac:PaymentTerms>
  <cac:AllowanceCharge>
    <cbc:ChargeIndicator>true</cbc:ChargeIndicator>
    <cbc:AllowanceChargeReason>Freight</cbc:AllowanceChargeReason>
    <cbc:Amount currencyID="EUR">33.00</cbc:Amount>
    <cac:TaxCategory>
      <cbc:ID>S</cbc:ID><cbc:Percent>25</cbc:Percent>
      <cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme>
    </cac:TaxCategory>
  </cac:AllowanceCharge>
  <cac:TaxTotal>
    <cbc:TaxAmount currencyID="SEK">3990.00</cbc:TaxAmount>
  </cac:TaxTotal>
  <cac:TaxTotal>
    <cbc:TaxAmount currencyID="EUR">350.00</cbc:TaxAmount>
    <cac:TaxSubtotal>
      <cbc:TaxableAmount currencyID="EUR">1400.00</cbc:TaxableAmount>
      <cbc:TaxAmount currencyID="EUR">350.00</cbc:TaxAmount>
      <cac:TaxCategory>
        <cbc:ID>S</cbc:ID><cbc:Percent>25</cbc:Percent>
        <cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme>
      </cac:TaxCategory>
    </cac:TaxSubtotal>
  </cac:TaxTotal>
  <cac:LegalMonetaryTotal>
    <cbc:LineExtensionAmount currencyID="EUR">1367.00</cbc:LineExtensionAmount>
    <cbc:TaxExclusiveAmount currencyID="EUR">1400.00</cbc:TaxExclusiveAmount>
    <cbc:TaxInclusiveAmount currencyID="EUR">1750.00</cbc:TaxInclusiveAmount>
    <cbc:ChargeTotalAmount currencyID="EUR">33.00</cbc:ChargeTotalAmount>
    <cbc:PayableAmount currencyID="EUR">1750.00</cbc:PayableAmount>
  </cac:LegalMonetaryTotal>{PEPPOL_LINES}
</Invoice>
"""


def _cii_line(number, name, price, quantity, amount, rate, basis=None):
    basis_quantity = (
        f'<ram:BasisQuantity unitCode="H87">{basis}</ram:BasisQuantity>' if basis else ""
    )
    return f"""
    <ram:IncludedSupplyChainTradeLineItem>
      <ram:AssociatedDocumentLineDocument><ram:LineID>{number}</ram:LineID></ram:AssociatedDocumentLineDocument>
      <ram:SpecifiedTradeProduct>
        <ram:SellerAssignedID>A-{number}</ram:SellerAssignedID>
        <ram:Name>{name}</ram:Name>
      </ram:SpecifiedTradeProduct>
      <ram:SpecifiedLineTradeAgreement>
        <ram:NetPriceProductTradePrice>
          <ram:ChargeAmount>{price}</ram:ChargeAmount>{basis_quantity}
        </ram:NetPriceProductTradePrice>
      </ram:SpecifiedLineTradeAgreement>
      <ram:SpecifiedLineTradeDelivery>
        <ram:BilledQuantity unitCode="H87">{quantity}</ram:BilledQuantity>
      </ram:SpecifiedLineTradeDelivery>
      <ram:SpecifiedLineTradeSettlement>
        <ram:ApplicableTradeTax>
          <ram:TypeCode>VAT</ram:TypeCode>
          <ram:CategoryCode>S</ram:CategoryCode>
          <ram:RateApplicablePercent>{rate}</ram:RateApplicablePercent>
        </ram:ApplicableTradeTax>
        <ram:SpecifiedTradeSettlementLineMonetarySummation>
          <ram:LineTotalAmount>{amount}</ram:LineTotalAmount>
        </ram:SpecifiedTradeSettlementLineMonetarySummation>
      </ram:SpecifiedLineTradeSettlement>
    </ram:IncludedSupplyChainTradeLineItem>"""


CII_XRECHNUNG = f"""<?xml version="1.0" encoding="UTF-8"?>
<rsm:CrossIndustryInvoice {CII_NS}>
  <rsm:ExchangedDocumentContext>
    <ram:BusinessProcessSpecifiedDocumentContextParameter>
      <ram:ID>urn:fdc:peppol.eu:2017:poacc:billing:01:1.0</ram:ID>
    </ram:BusinessProcessSpecifiedDocumentContextParameter>
    <ram:GuidelineSpecifiedDocumentContextParameter>
      <ram:ID>urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0</ram:ID>
    </ram:GuidelineSpecifiedDocumentContextParameter>
  </rsm:ExchangedDocumentContext>
  <rsm:ExchangedDocument>
    <ram:ID>471102</ram:ID>
    <ram:TypeCode>380</ram:TypeCode>
    <ram:IssueDateTime><udt:DateTimeString format="102">20240318</udt:DateTimeString></ram:IssueDateTime>
    <ram:IncludedNote><ram:Content>Rechnung gemäß Bestellung vom 01.03.2024.</ram:Content></ram:IncludedNote>
  </rsm:ExchangedDocument>
  <rsm:SupplyChainTradeTransaction>{_cii_line(1, "Trennblätter A4", "9.90", "20.0000", "198.00", "19.00")}{_cii_line(2, "Joghurt Banane", "5.50", "50.0000", "27.50", "7.00", basis="10")}
    <ram:ApplicableHeaderTradeAgreement>
      <ram:BuyerReference>04011000-12345-34</ram:BuyerReference>
      <ram:SellerTradeParty>
        <ram:Name>Lieferant GmbH</ram:Name>
        <ram:DefinedTradeContact>
          <ram:PersonName>Max Mustermann</ram:PersonName>
          <ram:TelephoneUniversalCommunication><ram:CompleteNumber>+49 89 123456</ram:CompleteNumber></ram:TelephoneUniversalCommunication>
          <ram:EmailURIUniversalCommunication><ram:URIID>max@lieferant.example</ram:URIID></ram:EmailURIUniversalCommunication>
        </ram:DefinedTradeContact>
        <ram:PostalTradeAddress>
          <ram:PostcodeCode>80333</ram:PostcodeCode>
          <ram:LineOne>Lieferantenstraße 20</ram:LineOne>
          <ram:CityName>München</ram:CityName>
          <ram:CountryID>DE</ram:CountryID>
        </ram:PostalTradeAddress>
        <ram:URIUniversalCommunication><ram:URIID schemeID="EM">rechnung@lieferant.example</ram:URIID></ram:URIUniversalCommunication>
        <ram:SpecifiedTaxRegistration><ram:ID schemeID="FC">201/113/40209</ram:ID></ram:SpecifiedTaxRegistration>
        <ram:SpecifiedTaxRegistration><ram:ID schemeID="VA">DE123456789</ram:ID></ram:SpecifiedTaxRegistration>
      </ram:SellerTradeParty>
      <ram:BuyerTradeParty>
        <ram:ID>GE2020211</ram:ID>
        <ram:Name>Kunden AG Mitte</ram:Name>
        <ram:PostalTradeAddress>
          <ram:PostcodeCode>69876</ram:PostcodeCode>
          <ram:LineOne>Hans Muster</ram:LineOne>
          <ram:LineTwo>Kundenstraße 15</ram:LineTwo>
          <ram:CityName>Frankfurt</ram:CityName>
          <ram:CountryID>DE</ram:CountryID>
        </ram:PostalTradeAddress>
        <ram:URIUniversalCommunication><ram:URIID schemeID="EM">einkauf@kunde.example</ram:URIID></ram:URIUniversalCommunication>
        <ram:SpecifiedTaxRegistration><ram:ID schemeID="VA">DE 136 695 976</ram:ID></ram:SpecifiedTaxRegistration>
      </ram:BuyerTradeParty>
    </ram:ApplicableHeaderTradeAgreement>
    <ram:ApplicableHeaderTradeDelivery>
      <ram:ActualDeliverySupplyChainEvent>
        <ram:OccurrenceDateTime><udt:DateTimeString format="102">20240314</udt:DateTimeString></ram:OccurrenceDateTime>
      </ram:ActualDeliverySupplyChainEvent>
    </ram:ApplicableHeaderTradeDelivery>
    <ram:ApplicableHeaderTradeSettlement>
      <ram:PaymentReference>471102</ram:PaymentReference>
      <ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>
      <ram:SpecifiedTradeSettlementPaymentMeans>
        <ram:TypeCode>58</ram:TypeCode>
        <ram:PayeePartyCreditorFinancialAccount>
          <ram:IBANID>DE75 5121 0800 1245 1261 99</ram:IBANID>
        </ram:PayeePartyCreditorFinancialAccount>
        <ram:PayeeSpecifiedCreditorFinancialInstitution>
          <ram:BICID>SOGEDEFFXXX</ram:BICID>
        </ram:PayeeSpecifiedCreditorFinancialInstitution>
      </ram:SpecifiedTradeSettlementPaymentMeans>
      <ram:ApplicableTradeTax>
        <ram:CalculatedAmount>37.62</ram:CalculatedAmount>
        <ram:TypeCode>VAT</ram:TypeCode>
        <ram:BasisAmount>198.00</ram:BasisAmount>
        <ram:CategoryCode>S</ram:CategoryCode>
        <ram:RateApplicablePercent>19.00</ram:RateApplicablePercent>
      </ram:ApplicableTradeTax>
      <ram:ApplicableTradeTax>
        <ram:CalculatedAmount>1.93</ram:CalculatedAmount>
        <ram:TypeCode>VAT</ram:TypeCode>
        <ram:BasisAmount>27.50</ram:BasisAmount>
        <ram:CategoryCode>S</ram:CategoryCode>
        <ram:RateApplicablePercent>7.00</ram:RateApplicablePercent>
      </ram:ApplicableTradeTax>
      <ram:SpecifiedTradePaymentTerms>
        <ram:Description>Zahlbar innerhalb 30 Tagen netto bis 17.04.2024</ram:Description>
        <ram:DueDateDateTime><udt:DateTimeString format="102">20240417</udt:DateTimeString></ram:DueDateDateTime>
      </ram:SpecifiedTradePaymentTerms>
      <ram:SpecifiedTradeSettlementHeaderMonetarySummation>
        <ram:LineTotalAmount>225.50</ram:LineTotalAmount>
        <ram:ChargeTotalAmount>0.00</ram:ChargeTotalAmount>
        <ram:AllowanceTotalAmount>0.00</ram:AllowanceTotalAmount>
        <ram:TaxBasisTotalAmount>225.50</ram:TaxBasisTotalAmount>
        <ram:TaxTotalAmount currencyID="EUR">39.55</ram:TaxTotalAmount>
        <ram:GrandTotalAmount>265.05</ram:GrandTotalAmount>
        <ram:DuePayableAmount>265.05</ram:DuePayableAmount>
      </ram:SpecifiedTradeSettlementHeaderMonetarySummation>
    </ram:ApplicableHeaderTradeSettlement>
  </rsm:SupplyChainTradeTransaction>
</rsm:CrossIndustryInvoice>
"""

FACTURX_CREDIT_NOTE = f"""<?xml version="1.0" encoding="UTF-8"?>
<rsm:CrossIndustryInvoice {CII_NS}>
  <rsm:ExchangedDocumentContext>
    <ram:GuidelineSpecifiedDocumentContextParameter>
      <ram:ID>urn:cen.eu:en16931:2017</ram:ID>
    </ram:GuidelineSpecifiedDocumentContextParameter>
  </rsm:ExchangedDocumentContext>
  <rsm:ExchangedDocument>
    <ram:ID>AV-2024-0007</ram:ID>
    <ram:TypeCode>381</ram:TypeCode>
    <ram:IssueDateTime><udt:DateTimeString format="102">20240620</udt:DateTimeString></ram:IssueDateTime>
    <ram:IncludedNote><ram:Content>Avoir sur facture FA-2024-0412.</ram:Content></ram:IncludedNote>
  </rsm:ExchangedDocument>
  <rsm:SupplyChainTradeTransaction>{_cii_line(1, "Remboursement frais de port", "30.00", "1", "30.00", "20")}{_cii_line(2, "Cartouche retournée", "25.00", "2", "50.00", "20")}
    <ram:ApplicableHeaderTradeAgreement>
      <ram:SellerTradeParty>
        <ram:Name>Fournisseur SARL</ram:Name>
        <ram:SpecifiedLegalOrganization><ram:ID schemeID="0002">123456789</ram:ID></ram:SpecifiedLegalOrganization>
        <ram:PostalTradeAddress>
          <ram:PostcodeCode>75002</ram:PostcodeCode>
          <ram:LineOne>12 rue de la Paix</ram:LineOne>
          <ram:LineTwo>Bâtiment A</ram:LineTwo>
          <ram:CityName>Paris</ram:CityName>
          <ram:CountryID>FR</ram:CountryID>
        </ram:PostalTradeAddress>
        <ram:SpecifiedTaxRegistration><ram:ID schemeID="VA">FR32123456789</ram:ID></ram:SpecifiedTaxRegistration>
      </ram:SellerTradeParty>
      <ram:BuyerTradeParty>
        <ram:Name>Client SAS</ram:Name>
        <ram:PostalTradeAddress>
          <ram:PostcodeCode>69002</ram:PostcodeCode>
          <ram:LineOne>5 quai Saint-Antoine</ram:LineOne>
          <ram:CityName>Lyon</ram:CityName>
          <ram:CountryID>FR</ram:CountryID>
        </ram:PostalTradeAddress>
        <ram:SpecifiedTaxRegistration><ram:ID schemeID="VA">FR61987654321</ram:ID></ram:SpecifiedTaxRegistration>
      </ram:BuyerTradeParty>
    </ram:ApplicableHeaderTradeAgreement>
    <ram:ApplicableHeaderTradeDelivery/>
    <ram:ApplicableHeaderTradeSettlement>
      <ram:PaymentReference>AV-2024-0007</ram:PaymentReference>
      <ram:TaxCurrencyCode>CHF</ram:TaxCurrencyCode>
      <ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>
      <ram:PayeeTradeParty><ram:Name>Fournisseur Affacturage SA</ram:Name></ram:PayeeTradeParty>
      <ram:SpecifiedTradeSettlementPaymentMeans>
        <ram:TypeCode>58</ram:TypeCode>
        <ram:PayeePartyCreditorFinancialAccount>
          <ram:IBANID>FR7630006000011234567890189</ram:IBANID>
        </ram:PayeePartyCreditorFinancialAccount>
        <ram:PayeeSpecifiedCreditorFinancialInstitution>
          <ram:BICID>AGRIFRPP</ram:BICID>
        </ram:PayeeSpecifiedCreditorFinancialInstitution>
      </ram:SpecifiedTradeSettlementPaymentMeans>
      <ram:ApplicableTradeTax>
        <ram:CalculatedAmount>16.00</ram:CalculatedAmount>
        <ram:TypeCode>VAT</ram:TypeCode>
        <ram:BasisAmount>80.00</ram:BasisAmount>
        <ram:CategoryCode>S</ram:CategoryCode>
        <ram:RateApplicablePercent>20</ram:RateApplicablePercent>
      </ram:ApplicableTradeTax>
      <ram:SpecifiedTradeSettlementHeaderMonetarySummation>
        <ram:LineTotalAmount>80.00</ram:LineTotalAmount>
        <ram:TaxBasisTotalAmount>80.00</ram:TaxBasisTotalAmount>
        <ram:TaxTotalAmount currencyID="CHF">15.50</ram:TaxTotalAmount>
        <ram:TaxTotalAmount currencyID="EUR">16.00</ram:TaxTotalAmount>
        <ram:GrandTotalAmount>96.00</ram:GrandTotalAmount>
        <ram:DuePayableAmount>96.00</ram:DuePayableAmount>
      </ram:SpecifiedTradeSettlementHeaderMonetarySummation>
    </ram:ApplicableHeaderTradeSettlement>
  </rsm:SupplyChainTradeTransaction>
</rsm:CrossIndustryInvoice>
"""

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0">
  <channel>
    <title>Supplier news</title>
    <item><title>New price list</title><link>https://supplier.example/prices</link></item>
  </channel>
</rss>
"""

_LAUGHS = '<!ENTITY lol "lol">' + "".join(
    f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
    for i in range(1, 10)
)
BILLION_LAUGHS = f"""<?xml version="1.0"?>
<!DOCTYPE Invoice [{_LAUGHS}]>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2" {UBL_NS}>
  <cbc:ID>&lol9;</cbc:ID>
</Invoice>
"""


def _line(description, quantity, unit_price, amount):
    return {
        "description": description,
        "quantity": quantity,
        "unit_price": unit_price,
        "amount": amount,
    }


def _payment(iban, bic, reference, amount, creditor):
    return {
        "iban": iban,
        "bic": bic,
        "reference": reference,
        "amount": amount,
        "creditor": creditor,
    }


# What each XML states, field by field (the catalogue's forms: IBANs and VAT IDs without
# spaces, dates as YYYY-MM-DD, a credit note's amounts as magnitudes).
EXPECTED: dict[str, dict] = {
    "ubl_xrechnung": {
        "invoice_number": "RE-2024-0815",
        "date": "2024-03-15",
        "due_date": "2024-04-14",
        "vendor": "Lieferant GmbH",
        "vendor_address": "Lieferantenstraße 20, Gebäude B, 80333 München, DE",
        "vendor_vat_id": "DE123456789",
        "buyer_vat_id": "DE987654321",
        "currency": "EUR",
        "total": 238.0,
        "subtotal": 200.0,
        "tax": 38.0,
        "amount_due": 188.0,
        "line_items": [
            _line("Kopierpapier A4, 500 Blatt", 40.0, 3.75, 150.0),
            _line("Toner schwarz", 1.0, 50.0, 50.0),
        ],
        "payment": _payment(
            "DE02120300000000202051", "BYLADEM1001", "RF18539007547034", 188.0, "Lieferant GmbH"
        ),
        "document_type": "invoice",
    },
    "ubl_credit_note": {
        "invoice_number": "CN-2024-017",
        "date": "2024-05-02",
        "due_date": "2024-05-16",
        "vendor": "Nordlys Kontor AS",
        "vendor_address": "Storgata 1, 0155 Oslo, NO",
        "vendor_vat_id": "NO999888777MVA",
        "buyer_vat_id": None,
        "currency": "NOK",
        "total": 125.0,
        "subtotal": 100.0,
        "tax": 25.0,
        "amount_due": 125.0,
        "line_items": [_line("Returned office chair", 2.0, 50.0, 100.0)],
        "payment": _payment(
            "NO9386011117947", "DNBANOKK", "CN-2024-017", 125.0, "Nordlys Factoring AS"
        ),
        "document_type": "credit_note",
    },
    "peppol_invoice": {
        "invoice_number": "SE-2024-0099",
        "date": "2024-07-01",
        "due_date": "2024-07-31",
        "vendor": "Svensk Leverantör AB",
        "vendor_address": "Drottninggatan 5, Box 123, Plan 3, 111 51 Stockholm, SE",
        "vendor_vat_id": "SE556778899001",
        "buyer_vat_id": "DK12345678",
        "currency": "EUR",
        "total": 1750.0,
        "subtotal": 1400.0,
        "tax": 350.0,
        "amount_due": 1750.0,
        "line_items": [
            _line("Consulting services", 10.0, 120.0, 1200.0),
            _line("Laptop bag", 3.0, 45.5, 136.5),
            _line("Screws & washers, box", 500.0, 0.09, 45.0),
            _line("Returned cable", -2.0, 7.25, -14.5),
        ],
        "payment": _payment(
            "SE4550000000058398257466", "ESSESESS", "1234567890", 1750.0, "Svensk Leverantör AB"
        ),
        "document_type": "invoice",
    },
    "cii_xrechnung": {
        "invoice_number": "471102",
        "date": "2024-03-18",
        "due_date": "2024-04-17",
        "vendor": "Lieferant GmbH",
        "vendor_address": "Lieferantenstraße 20, 80333 München, DE",
        "vendor_vat_id": "DE123456789",
        "buyer_vat_id": "DE136695976",
        "currency": "EUR",
        "total": 265.05,
        "subtotal": 225.5,
        "tax": 39.55,
        "amount_due": 265.05,
        "line_items": [
            _line("Trennblätter A4", 20.0, 9.9, 198.0),
            _line("Joghurt Banane", 50.0, 0.55, 27.5),
        ],
        "payment": _payment(
            "DE75512108001245126199", "SOGEDEFFXXX", "471102", 265.05, "Lieferant GmbH"
        ),
        "document_type": "invoice",
    },
    "facturx_credit_note": {
        "invoice_number": "AV-2024-0007",
        "date": "2024-06-20",
        "due_date": None,
        "vendor": "Fournisseur SARL",
        "vendor_address": "12 rue de la Paix, Bâtiment A, 75002 Paris, FR",
        "vendor_vat_id": "FR32123456789",
        "buyer_vat_id": "FR61987654321",
        "currency": "EUR",
        "total": 96.0,
        "subtotal": 80.0,
        "tax": 16.0,
        "amount_due": 96.0,
        "line_items": [
            _line("Remboursement frais de port", 1.0, 30.0, 30.0),
            _line("Cartouche retournée", 2.0, 25.0, 50.0),
        ],
        "payment": _payment(
            "FR7630006000011234567890189",
            "AGRIFRPP",
            "AV-2024-0007",
            96.0,
            "Fournisseur Affacturage SA",
        ),
        "document_type": "credit_note",
    },
}

SAMPLES: dict[str, str] = {
    "ubl_xrechnung": UBL_XRECHNUNG,
    "ubl_credit_note": UBL_CREDIT_NOTE,
    "peppol_invoice": PEPPOL_INVOICE,
    "cii_xrechnung": CII_XRECHNUNG,
    "facturx_credit_note": FACTURX_CREDIT_NOTE,
}
SYNTAX = {
    "ubl_xrechnung": "UBL",
    "ubl_credit_note": "UBL",
    "peppol_invoice": "UBL",
    "cii_xrechnung": "CII",
    "facturx_credit_note": "CII",
}
