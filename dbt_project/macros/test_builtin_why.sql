{#- The built-in generic tests, unchanged, with what each protects against (meta.why, shown on the edition's
    quality page); a test's own YAML config.meta.why overrides it. -#}
{% test not_null(model, column_name) %}
{{ config(meta={'why': "An empty value where one is required: a row whose figure would be lost or counted nowhere."}) }}
{{ return(adapter.dispatch('test_not_null', 'dbt')(model, column_name)) }}
{% endtest %}

{% test unique(model, column_name) %}
{{ config(meta={'why': "A key found twice: the same thing counted twice, or two different figures for one cell."}) }}
{{ return(adapter.dispatch('test_unique', 'dbt')(model, column_name)) }}
{% endtest %}

{% test accepted_values(model, column_name, values, quote=True) %}
{{ config(meta={'why': "A code outside its known list: a new label in a source that would fall out of every breakdown."}) }}
{{ return(adapter.dispatch('test_accepted_values', 'dbt')(model, column_name, values, quote)) }}
{% endtest %}

{% test relationships(model, column_name, to, field) %}
{{ config(meta={'why': "A code that its referential does not know: its rows would have no label and join nothing."}) }}
{{ return(adapter.dispatch('test_relationships', 'dbt')(model, column_name, to, field)) }}
{% endtest %}
