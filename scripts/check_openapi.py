#!/usr/bin/env python3
"""Checks that openapi.yaml uses only the words of OpenAPI 3.1 and JSON Schema 2020-12.

A comma inside a flow-style YAML description (`{ type: string, description: a, b }`) quietly
makes `b` a key of its own; a typo makes a keyword that validators and client generators ignore.
This reads the document with a YAML loader that refuses duplicate keys and walks every object
by what it is (operation, parameter, response, schema, ...), reporting each key outside that
object's fields. `x-` extensions are allowed everywhere but inside schemas' maps of names.

Usage: check_openapi.py [openapi.yaml]. Exits 1 and names each stray key when there is one.
Needs PyYAML.
"""

import sys

import yaml

# JSON Schema 2020-12 (core, applicator, unevaluated, validation, format, content, meta-data)
# and the OpenAPI 3.1 Schema Object's own fields.
SCHEMA_KEYS = {
    "$schema", "$id", "$ref", "$anchor", "$dynamicRef", "$dynamicAnchor", "$vocabulary",
    "$comment", "$defs",
    "allOf", "anyOf", "oneOf", "not", "if", "then", "else", "dependentSchemas",
    "prefixItems", "items", "contains", "properties", "patternProperties",
    "additionalProperties", "propertyNames", "unevaluatedItems", "unevaluatedProperties",
    "type", "enum", "const", "multipleOf", "maximum", "exclusiveMaximum", "minimum",
    "exclusiveMinimum", "maxLength", "minLength", "pattern", "maxItems", "minItems",
    "uniqueItems", "maxContains", "minContains", "maxProperties", "minProperties", "required",
    "dependentRequired",
    "format", "contentEncoding", "contentMediaType", "contentSchema",
    "title", "description", "default", "deprecated", "readOnly", "writeOnly", "examples",
    "discriminator", "xml", "externalDocs", "example",
}
SCHEMA_TYPES = {"null", "boolean", "object", "array", "number", "string", "integer"}

FIELDS = {
    "document": {"openapi", "info", "jsonSchemaDialect", "servers", "paths", "webhooks",
                 "components", "security", "tags", "externalDocs"},
    "info": {"title", "summary", "description", "termsOfService", "contact", "license", "version"},
    "contact": {"name", "url", "email"},
    "license": {"name", "identifier", "url"},
    "server": {"url", "description", "variables"},
    "serverVariable": {"enum", "default", "description"},
    "components": {"schemas", "responses", "parameters", "examples", "requestBodies", "headers",
                   "securitySchemes", "links", "callbacks", "pathItems"},
    "pathItem": {"$ref", "summary", "description", "get", "put", "post", "delete", "options",
                 "head", "patch", "trace", "servers", "parameters"},
    "operation": {"tags", "summary", "description", "externalDocs", "operationId", "parameters",
                  "requestBody", "responses", "callbacks", "deprecated", "security", "servers"},
    "externalDocs": {"description", "url"},
    "parameter": {"name", "in", "description", "required", "deprecated", "allowEmptyValue",
                  "style", "explode", "allowReserved", "schema", "example", "examples", "content"},
    "requestBody": {"description", "content", "required"},
    "mediaType": {"schema", "example", "examples", "encoding"},
    "encoding": {"contentType", "headers", "style", "explode", "allowReserved"},
    "response": {"description", "headers", "content", "links"},
    "example": {"summary", "description", "value", "externalValue"},
    "link": {"operationRef", "operationId", "parameters", "requestBody", "description", "server"},
    "header": {"description", "required", "deprecated", "allowEmptyValue", "style", "explode",
               "allowReserved", "schema", "example", "examples", "content"},
    "tag": {"name", "description", "externalDocs"},
    "reference": {"$ref", "summary", "description"},
    "securityScheme": {"type", "description", "name", "in", "scheme", "bearerFormat", "flows",
                       "openIdConnectUrl"},
    "discriminator": {"propertyName", "mapping"},
    "xml": {"name", "namespace", "prefix", "attribute", "wrapped"},
}
METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


class UniqueKeyLoader(yaml.SafeLoader):
    pass


def construct_mapping(loader, node, deep=False):
    seen = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark)
        seen.add(key)
    return yaml.SafeLoader.construct_mapping(loader, node, deep)


UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct_mapping)


class Checker:
    def __init__(self):
        self.problems = []

    def fail(self, where, message):
        self.problems.append(f"{where}: {message}")

    def fields(self, where, obj, kind, extensions=True):
        if not isinstance(obj, dict):
            self.fail(where, f"{kind} must be a mapping, not {type(obj).__name__}")
            return False
        allowed = FIELDS[kind]
        for key in obj:
            if not isinstance(key, str):
                self.fail(where, f"key {key!r} is not a string")
            elif key not in allowed and not (extensions and key.startswith("x-")):
                self.fail(where, f"stray key {key!r} (not a field of {kind})")
        return True

    def ref_or(self, where, obj, kind, check):
        if isinstance(obj, dict) and "$ref" in obj:
            self.fields(where, obj, "reference", extensions=False)
        else:
            check(where, obj)

    # Schemas ---------------------------------------------------------------------------------

    def schema(self, where, obj):
        if isinstance(obj, bool):
            return
        if not isinstance(obj, dict):
            self.fail(where, f"a schema must be a mapping or a boolean, not {type(obj).__name__}")
            return
        for key, value in obj.items():
            if not isinstance(key, str):
                self.fail(where, f"key {key!r} is not a string")
                continue
            if key not in SCHEMA_KEYS and not key.startswith("x-"):
                self.fail(where, f"stray key {key!r} in a schema (value {value!r})")
        for key in ("not", "if", "then", "else", "items", "contains", "additionalProperties",
                    "propertyNames", "unevaluatedItems", "unevaluatedProperties", "contentSchema"):
            if key in obj:
                self.schema(f"{where}.{key}", obj[key])
        for key in ("allOf", "anyOf", "oneOf", "prefixItems"):
            if key in obj:
                if not isinstance(obj[key], list) or not obj[key]:
                    self.fail(where, f"{key} must be a non-empty list")
                    continue
                for i, sub in enumerate(obj[key]):
                    self.schema(f"{where}.{key}[{i}]", sub)
        for key in ("properties", "patternProperties", "dependentSchemas", "$defs"):
            if key in obj:
                if not isinstance(obj[key], dict):
                    self.fail(where, f"{key} must be a mapping")
                    continue
                for name, sub in obj[key].items():
                    self.schema(f"{where}.{key}.{name}", sub)
        if "type" in obj:
            types = obj["type"] if isinstance(obj["type"], list) else [obj["type"]]
            for t in types:
                if t not in SCHEMA_TYPES:
                    self.fail(where, f"unknown type {t!r}")
        for key in ("required",):
            if key in obj and not (isinstance(obj[key], list) and all(isinstance(k, str) for k in obj[key])):
                self.fail(where, f"{key} must be a list of names")
        if "dependentRequired" in obj:
            value = obj["dependentRequired"]
            if not isinstance(value, dict) or not all(isinstance(v, list) for v in value.values()):
                self.fail(where, "dependentRequired must map names to lists of names")
        if "enum" in obj and not isinstance(obj["enum"], list):
            self.fail(where, "enum must be a list")
        if "examples" in obj and not isinstance(obj["examples"], list):
            self.fail(where, "examples must be a list")
        if "discriminator" in obj:
            self.fields(f"{where}.discriminator", obj["discriminator"], "discriminator")
        if "xml" in obj:
            self.fields(f"{where}.xml", obj["xml"], "xml")
        if "description" in obj and not isinstance(obj["description"], str):
            self.fail(where, "description must be text")

    # OpenAPI objects -------------------------------------------------------------------------

    def media_types(self, where, content):
        if not isinstance(content, dict):
            self.fail(where, "content must be a mapping")
            return
        for media, obj in content.items():
            w = f"{where}.{media}"
            if self.fields(w, obj, "mediaType"):
                if "schema" in obj:
                    self.schema(f"{w}.schema", obj["schema"])
                for name, enc in (obj.get("encoding") or {}).items():
                    if self.fields(f"{w}.encoding.{name}", enc, "encoding"):
                        self.headers(f"{w}.encoding.{name}.headers", enc.get("headers"))

    def header(self, where, obj):
        if self.fields(where, obj, "header"):
            if "schema" in obj:
                self.schema(f"{where}.schema", obj["schema"])
            if "content" in obj:
                self.media_types(f"{where}.content", obj["content"])

    def headers(self, where, headers):
        for name, obj in (headers or {}).items():
            self.ref_or(f"{where}.{name}", obj, "header", self.header)

    def parameter(self, where, obj):
        if self.fields(where, obj, "parameter"):
            for key in ("name", "in"):
                if key not in obj:
                    self.fail(where, f"a parameter needs {key}")
            if "schema" in obj:
                self.schema(f"{where}.schema", obj["schema"])
            if "content" in obj:
                self.media_types(f"{where}.content", obj["content"])

    def request_body(self, where, obj):
        if self.fields(where, obj, "requestBody"):
            self.media_types(f"{where}.content", obj.get("content"))

    def response(self, where, obj):
        if self.fields(where, obj, "response"):
            if "description" not in obj:
                self.fail(where, "a response needs a description")
            self.headers(f"{where}.headers", obj.get("headers"))
            if "content" in obj:
                self.media_types(f"{where}.content", obj["content"])
            for name, link in (obj.get("links") or {}).items():
                self.ref_or(f"{where}.links.{name}", link, "link",
                            lambda w, o: self.fields(w, o, "link"))

    def operation(self, where, obj):
        if not self.fields(where, obj, "operation"):
            return
        for i, p in enumerate(obj.get("parameters") or []):
            self.ref_or(f"{where}.parameters[{i}]", p, "parameter", self.parameter)
        if "requestBody" in obj:
            self.ref_or(f"{where}.requestBody", obj["requestBody"], "requestBody", self.request_body)
        responses = obj.get("responses")
        if not isinstance(responses, dict) or not responses:
            self.fail(where, "an operation needs responses")
            return
        for code, resp in responses.items():
            code = str(code)
            if code != "default" and not (len(code) == 3 and (code.isdigit() or code[1:] == "XX")):
                if not code.startswith("x-"):
                    self.fail(where, f"stray key {code!r} in responses")
                continue
            self.ref_or(f"{where}.responses.{code}", resp, "response", self.response)

    def path_item(self, where, obj):
        if not self.fields(where, obj, "pathItem"):
            return
        for i, p in enumerate(obj.get("parameters") or []):
            self.ref_or(f"{where}.parameters[{i}]", p, "parameter", self.parameter)
        for method in METHODS:
            if method in obj:
                self.operation(f"{where}.{method}", obj[method])

    def document(self, doc):
        if not self.fields("", doc, "document"):
            return
        if self.fields("info", doc.get("info"), "info"):
            info = doc["info"]
            if "contact" in info:
                self.fields("info.contact", info["contact"], "contact")
            if "license" in info:
                self.fields("info.license", info["license"], "license")
        for i, server in enumerate(doc.get("servers") or []):
            if self.fields(f"servers[{i}]", server, "server"):
                for name, var in (server.get("variables") or {}).items():
                    self.fields(f"servers[{i}].variables.{name}", var, "serverVariable")
        for i, tag in enumerate(doc.get("tags") or []):
            self.fields(f"tags[{i}]", tag, "tag")
        if "externalDocs" in doc:
            self.fields("externalDocs", doc["externalDocs"], "externalDocs")
        for path, item in (doc.get("paths") or {}).items():
            if path.startswith("x-"):
                continue
            if not path.startswith("/"):
                self.fail("paths", f"stray key {path!r} (paths begin with /)")
                continue
            self.path_item(f"paths.{path}", item)
        components = doc.get("components") or {}
        if not self.fields("components", components, "components"):
            return
        for name, obj in (components.get("schemas") or {}).items():
            self.schema(f"components.schemas.{name}", obj)
        for name, obj in (components.get("parameters") or {}).items():
            self.ref_or(f"components.parameters.{name}", obj, "parameter", self.parameter)
        for name, obj in (components.get("headers") or {}).items():
            self.ref_or(f"components.headers.{name}", obj, "header", self.header)
        for name, obj in (components.get("responses") or {}).items():
            self.ref_or(f"components.responses.{name}", obj, "response", self.response)
        for name, obj in (components.get("requestBodies") or {}).items():
            self.ref_or(f"components.requestBodies.{name}", obj, "requestBody", self.request_body)
        for name, obj in (components.get("examples") or {}).items():
            self.ref_or(f"components.examples.{name}", obj, "example",
                        lambda w, o: self.fields(w, o, "example"))
        for name, obj in (components.get("securitySchemes") or {}).items():
            self.ref_or(f"components.securitySchemes.{name}", obj, "securityScheme",
                        lambda w, o: self.fields(w, o, "securityScheme"))
        for name, obj in (components.get("pathItems") or {}).items():
            self.path_item(f"components.pathItems.{name}", obj)


def main(argv):
    path = argv[1] if len(argv) > 1 else "openapi.yaml"
    with open(path, encoding="utf-8") as f:
        try:
            doc = yaml.load(f, Loader=UniqueKeyLoader)
        except yaml.YAMLError as error:
            print(f"{path}: {error}", file=sys.stderr)
            return 1
    checker = Checker()
    checker.document(doc)
    for problem in checker.problems:
        print(f"{path}: {problem}", file=sys.stderr)
    if checker.problems:
        print(f"{path}: {len(checker.problems)} problem(s)", file=sys.stderr)
        return 1
    print(f"{path}: every key is an OpenAPI 3.1 or JSON Schema word")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
