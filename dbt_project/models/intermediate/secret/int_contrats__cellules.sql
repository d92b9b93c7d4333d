-- Contrats de professionnalisation counted once for every cell the publication shows or relies on: one
-- row per grouping set × values (a dimension absent from the set is '*'), with the employers behind the
-- count and the largest one's weight (secret statistique), and the median age of the cell's population.
-- Every contract mart reads its counts here, so a figure and its secrecy status come from the same cell.
{%- set dims = secret_population_dimensions('contrats') %}
{%- set sets = [
    ['annee'],
    ['annee', 'classe_age'],
    ['annee', 'tranche_age'],
    ['annee', 'code_branche'],
    ['annee', 'sexe'],
    ['annee', 'taille_employeur'],
    ['annee', 'niveau_entree'],
    ['annee', 'code_certification'],
    ['code_certification'],
    ['annee', 'code_departement'],
    ['annee', 'fiche_id'],
    ['annee', 'fiche_id', 'code_departement'],
    ['annee', 'fiche_id', 'sexe'],
    ['annee', 'fiche_id', 'code_departement', 'sexe'],
    ['annee', 'fiche_id', 'age_26'],
    ['annee', 'fiche_id', 'code_departement', 'age_26'],
    ['annee', 'fiche_id', 'niveau_entree'],
] %}

with

contrats as (
    select * from {{ ref('int_contrats__enrichis') }} where est_dans_region
),

dimensions as (
    -- every dimension holds a value (unknown is 'inconnu'): a null can only mean "all" below
    select
        cast(annee_engagement as varchar) as annee,
        code_departement,
        fiche_id,
        code_branche,
        case
            when age_debut_contrat is null then 'inconnu'
            when age_debut_contrat <= 30 then '30 ans ou moins'
            else 'plus de 30 ans'
        end as classe_age,
        case
            when age_debut_contrat is null then 'inconnu'
            when age_debut_contrat < 26 then 'moins de 26 ans'
            else '26 ans ou plus'
        end as age_26,
        tranche_age,
        case upper(trim(sexe)) when 'F' then 'femme' when 'M' then 'homme' else 'inconnu' end as sexe,
        case
            when effectif_entreprise is null then 'inconnu'
            when effectif_entreprise < 11 then 'moins de 11 salariés'
            when effectif_entreprise < 50 then '11 à 49 salariés'
            when effectif_entreprise < 250 then '50 à 249 salariés'
            else '250 salariés et plus'
        end as taille_employeur,
        niveau_entree_groupe as niveau_entree,
        coalesce(code_certification, 'inconnu') as code_certification,
        coalesce(siret_employeur, 'inconnu') as siret_employeur,
        age_debut_contrat
    from contrats
),

par_employeur as (
    select
        {%- for dim in dims %}
        coalesce({{ dim }}, '*') as {{ dim }},
        {%- endfor %}
        siret_employeur,
        count(*) as nb_contrats
    from dimensions
    group by {{ grouping_sets(sets, extra=['siret_employeur']) }}
),

comptes as (
    select
        {{ dims | join(',\n        ') }},
        sum(nb_contrats) as nb_contrats,
        count(*) as nb_employeurs,
        max(nb_contrats) as nb_contrats_premier_employeur
    from par_employeur
    group by all
),

ages as (
    select
        {%- for dim in dims %}
        coalesce({{ dim }}, '*') as {{ dim }},
        {%- endfor %}
        median(age_debut_contrat) as age_median
    from dimensions
    group by {{ grouping_sets(sets) }}
),

final as (
    select
        {{ cellule_id('contrats', dims) }} as cellule_id,
        {%- for dim in dims %}
        comptes.{{ dim }},
        {%- endfor %}
        cast(comptes.nb_contrats as bigint) as nb_contrats,
        cast(comptes.nb_employeurs as bigint) as nb_employeurs,
        cast(comptes.nb_contrats_premier_employeur as bigint) as nb_contrats_premier_employeur,
        ages.age_median
    from comptes
    inner join ages using ({{ dims | join(', ') }})
)

select * from final
