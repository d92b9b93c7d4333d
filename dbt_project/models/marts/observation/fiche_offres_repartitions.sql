-- How each fiche's offers split by hiring sector (NAF), establishment size, qualification and experience
-- required: one row per fiche × territory × year × dimension × modality, with its share and rank.
with

offres as (
    select * from {{ ref('int_offres__enrichies') }} where est_dans_region and fiche_id <> 'autre'
),

fiches as (
    select distinct fiche_id, libelle_fiche from {{ ref('stg_referentiels__fiches_metiers') }}
),

offres_territoires as (
    select offres.*, t.niveau_territoire, t.code_territoire, t.libelle_territoire
    from offres
    {{ territory_levels() }}
),

by_dimension as (
    select
        fiche_id,
        niveau_territoire,
        code_territoire,
        libelle_territoire,
        annee_creation as annee,
        d.dimension,
        coalesce(nullif(trim(d.modalite), ''), 'inconnu') as modalite,
        d.libelle_modalite
    from offres_territoires
    cross join unnest([
        {'dimension': 'secteur_naf', 'modalite': code_naf, 'libelle_modalite': secteur_activite_libelle},
        {'dimension': 'taille_etablissement', 'modalite': tranche_effectif_etab, 'libelle_modalite': tranche_effectif_etab},
        {'dimension': 'qualification', 'modalite': qualification_code, 'libelle_modalite': qualification_libelle},
        {'dimension': 'experience', 'modalite': experience_exige, 'libelle_modalite': case experience_exige
            when 'D' then 'Débutant accepté' when 'S' then 'Expérience souhaitée' when 'E' then 'Expérience exigée' end}
    ]) as u(d)
),

counts as (
    select
        fiche_id,
        niveau_territoire,
        code_territoire,
        any_value(libelle_territoire) as libelle_territoire,
        annee,
        dimension,
        modalite,
        coalesce(any_value(libelle_modalite), 'Non renseigné') as libelle_modalite,
        count(*) as nb_offres
    from by_dimension
    group by fiche_id, niveau_territoire, code_territoire, annee, dimension, modalite
),

final as (
    select
        counts.fiche_id,
        fiches.libelle_fiche,
        niveau_territoire,
        code_territoire,
        libelle_territoire,
        annee,
        dimension,
        modalite,
        libelle_modalite,
        nb_offres,
        sum(nb_offres) over (partition by counts.fiche_id, niveau_territoire, code_territoire, annee, dimension)
            as nb_offres_total,
        nb_offres / sum(nb_offres) over (
            partition by counts.fiche_id, niveau_territoire, code_territoire, annee, dimension
        ) as part_offres,
        rank() over (
            partition by counts.fiche_id, niveau_territoire, code_territoire, annee, dimension
            order by nb_offres desc
        ) as rang
    from counts
    inner join fiches using (fiche_id)
)

select * from final
